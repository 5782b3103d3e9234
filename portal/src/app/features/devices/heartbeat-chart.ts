import { ChangeDetectionStrategy, Component, ElementRef, OnDestroy, effect, input, viewChild } from '@angular/core';

import { HeartbeatPoint } from '../../core/api/models';
import { T } from '../../core/i18n/messages';
import { formatShortTime, formatTime, percentOf } from '../../shared/format';

type ChartType = import('chart.js').Chart;

/**
 * CPU, memory and container-disk use over the downsampled heartbeat history. Chart.js is loaded
 * only here (its own lazy chunk), so the fleet page does not pay for it.
 */
@Component({
  selector: 'app-heartbeat-chart',
  template: `
    <div class="wrap"><canvas #canvas role="img" [attr.aria-label]="summary()"></canvas></div>
  `,
  styles: `.wrap { position: relative; height: 260px; width: 100%; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HeartbeatChart implements OnDestroy {
  readonly points = input.required<HeartbeatPoint[]>();
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: ChartType | null = null;

  constructor() {
    effect(() => {
      const points = this.points();
      void this.render(points);
    });
  }

  protected summary(): string {
    const points = this.points();
    if (points.length === 0) return T.device.noHistory;
    const last = points[points.length - 1];
    return `${T.device.history}: ${points.length} points from ${formatTime(points[0].bucket)} to ${formatTime(last.bucket)}; last CPU ${last.cpuLoad.toFixed(0)} %`;
  }

  private async render(points: HeartbeatPoint[]): Promise<void> {
    const { Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler } = await import('chart.js');
    Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);
    const labels = points.map(p => formatShortTime(p.bucket));
    const data = {
      labels,
      datasets: [
        { label: T.device.cpuLoad, data: points.map(p => p.cpuLoad), borderColor: '#1a73e8', backgroundColor: '#1a73e833', tension: 0.25, pointRadius: 0, borderWidth: 2 },
        { label: T.device.memoryUsed, data: points.map(p => percentOf(p.memory?.usedBytes, p.memory?.totalBytes)), borderColor: '#9334e6', tension: 0.25, pointRadius: 0, borderWidth: 2 },
        { label: T.device.diskUsed, data: points.map(p => percentOf(p.containerDisk?.usedBytes, p.containerDisk?.totalBytes)), borderColor: '#e37400', tension: 0.25, pointRadius: 0, borderWidth: 2 },
      ],
    };
    if (this.chart) {
      this.chart.data = data;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas().nativeElement, {
      type: 'line',
      data,
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, interaction: { mode: 'index', intersect: false },
        scales: { y: { min: 0, max: 100, ticks: { callback: v => `${v} %` } }, x: { ticks: { maxTicksLimit: 8, autoSkip: true } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  ngOnDestroy(): void {
    this.chart?.destroy();
  }
}
