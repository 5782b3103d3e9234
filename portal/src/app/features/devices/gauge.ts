import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** A ring gauge for a percentage; the number is text too, and it is a meter for assistive tech. */
@Component({
  selector: 'app-gauge',
  template: `
    <div class="gauge" role="meter" aria-valuemin="0" aria-valuemax="100" [attr.aria-valuenow]="value() ?? 0"
         [attr.aria-label]="label()" [attr.data-level]="level()" [style.background]="ring()">
      <div class="inner"><span class="value">{{ value() === null ? '—' : value()!.toFixed(0) + ' %' }}</span></div>
    </div>
    <div class="label">{{ label() }}</div>
    @if (detail()) { <div class="detail muted">{{ detail() }}</div> }
  `,
  styles: `
    :host { display: flex; flex-direction: column; align-items: center; gap: 6px; min-width: 120px; }
    .gauge { width: 104px; height: 104px; border-radius: 50%; display: grid; place-items: center; }
    .inner { width: 80px; height: 80px; border-radius: 50%; background: var(--mat-sys-surface); display: grid; place-items: center; }
    .value { font: var(--mat-sys-title-large); font-variant-numeric: tabular-nums; }
    .label { font: var(--mat-sys-label-large); }
    .detail { font: var(--mat-sys-body-small); text-align: center; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Gauge {
  readonly value = input<number | null>(null);
  readonly label = input.required<string>();
  readonly detail = input<string | null>(null);
  /** Above this the ring turns amber, above danger red (e.g. the disk alert threshold). */
  readonly warn = input(75);
  readonly danger = input(90);

  protected readonly level = computed(() => {
    const v = this.value() ?? 0;
    return v >= this.danger() ? 'danger' : v >= this.warn() ? 'warn' : 'ok';
  });

  protected readonly ring = computed(() => {
    const v = Math.max(0, Math.min(100, this.value() ?? 0));
    const color = { danger: '#c5221f', warn: '#e37400', ok: '#1e8e3e' }[this.level()];
    return `conic-gradient(${color} ${v * 3.6}deg, var(--mat-sys-surface-container-high) 0)`;
  });
}
