import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { debounceTime } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import { Page, ServiceHealth, ServiceHealthEntry } from '../../core/api/models';
import { params } from '../../core/api/params';
import { T } from '../../core/i18n/messages';
import { LiveEvents } from '../../core/live/live-events';
import { AgoPipe, TimePipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';

interface ServiceGroup { service: string; instances: ServiceHealth[]; up: boolean; }

/** Every service and instance with its state and history; cards, so it reads well on a phone. */
@Component({
  selector: 'app-health-page',
  imports: [MatButtonModule, MatIconModule, LoadState, TimePipe, AgoPipe],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ t.health.title }}</h1>
        <button mat-stroked-button type="button" (click)="load()"><mat-icon svgIcon="refresh" aria-hidden="true" />{{ t.common.refresh }}</button>
      </header>
      <app-load-state [loading]="!services() && !error()" [error]="error()" (retry)="load()" neededRole="platform-admin"
                      [empty]="!!services() && services()!.length === 0" [emptyText]="t.health.noServices" />
      @if (services()?.length) {
        <p class="summary" [class.bad]="down() > 0" role="status">{{ down() > 0 ? t.health.someDown(down()) : t.health.allUp(services()!.length) }}</p>
        <div class="groups">
          @for (g of groups(); track g.service) {
            <section class="card" [attr.aria-label]="g.service">
              <h2><span class="dot" [class.up]="g.up" aria-hidden="true"></span>{{ g.service }}</h2>
              <ul>
                @for (i of g.instances; track i.instance) {
                  <li>
                    <span class="chip" [class.ok]="i.up" [class.bad]="!i.up">{{ i.up ? t.health.up : t.health.down }}</span>
                    <span class="inst mono">{{ i.instance }}</span>
                    <span class="muted">{{ t.health.since }} {{ i.since | ago }} · {{ t.health.lastCheck }} {{ i.lastCheck | ago }}</span>
                    @if (!i.up && i.detail) { <span class="detail">{{ i.detail }}</span> }
                  </li>
                }
              </ul>
            </section>
          }
        </div>
        <section class="card hist" aria-labelledby="hist-h">
          <h2 id="hist-h">{{ t.health.history }}</h2>
          <ol>
            @for (h of history(); track h.id) {
              <li><time [attr.datetime]="h.checkedAt">{{ h.checkedAt | time }}</time>
                <span class="chip" [class.ok]="h.up" [class.bad]="!h.up">{{ h.up ? t.health.up : t.health.down }}</span>
                <strong>{{ h.service }}</strong> <span class="mono muted">{{ h.instance }}</span>
                <span class="muted">({{ h.transition ? t.health.transition : t.health.sample }})</span></li>
            } @empty { <li class="muted">{{ t.state.empty }}</li> }
          </ol>
          @if (next()) { <button mat-stroked-button type="button" (click)="more()">{{ t.common.loadMore }}</button> }
        </section>
      }
    </section>
  `,
  styles: `
    .summary { font: var(--mat-sys-title-medium); color: #0b5d1e; margin: 0 0 12px; } .summary.bad { color: #8c1d18; }
    .groups { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); margin-bottom: 16px; }
    h2 { display: flex; align-items: center; gap: 8px; }
    .dot { width: 12px; height: 12px; border-radius: 50%; background: #c5221f; } .dot.up { background: #1e8e3e; }
    ul, ol { margin: 0; padding: 0; list-style: none; }
    li { display: flex; flex-wrap: wrap; gap: 6px 8px; align-items: center; padding: 8px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    li:last-child { border-bottom: 0; }
    .inst { overflow-wrap: anywhere; } .detail { flex-basis: 100%; color: var(--mat-sys-error); overflow-wrap: anywhere; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HealthPage {
  protected readonly t = T;
  private readonly http = inject(HttpClient);
  protected readonly services = signal<ServiceHealth[] | null>(null);
  protected readonly history = signal<ServiceHealthEntry[]>([]);
  protected readonly next = signal<string | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly down = computed(() => (this.services() ?? []).filter(s => !s.up).length);
  protected readonly groups = computed<ServiceGroup[]>(() => {
    const map = new Map<string, ServiceHealth[]>();
    for (const s of this.services() ?? []) {
      map.set(s.service, [...(map.get(s.service) ?? []), s]);
    }
    return [...map.entries()].map(([service, instances]) => ({ service, instances, up: instances.every(i => i.up) }));
  });

  constructor() {
    this.load();
    inject(LiveEvents).on('service.down', 'service.up').pipe(debounceTime(300), takeUntilDestroyed(inject(DestroyRef))).subscribe(() => this.load());
  }

  protected load(): void {
    this.http.get<ServiceHealth[]>('/api/monitoring/v1/services/health').subscribe({
      next: s => { this.services.set(s); this.error.set(null); },
      error: (e: ApiError) => this.error.set(e),
    });
    this.history.set([]);
    this.more(null);
  }

  protected more(cursor: string | null = this.next()): void {
    this.http.get<Page<ServiceHealthEntry>>('/api/monitoring/v1/services/health/history', { params: params({ cursor, limit: 30 }) })
      .subscribe({ next: p => { this.history.update(h => [...h, ...p.items]); this.next.set(p.nextCursor ?? null); }, error: () => undefined });
  }
}
