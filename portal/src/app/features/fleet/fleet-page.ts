import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Subject, debounceTime, merge, of, switchMap, timer } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import { Alert, Connectivity, ENVIRONMENTS, Environment, Page, SummaryRow } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { LiveEvent, LiveEvents } from '../../core/live/live-events';
import { AgoPipe, TimePipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { StatusChip } from '../../shared/status-chip';
import { DevicesApi } from '../devices/devices-api';

/** Re-reads of the summary after a device event, for device-management's connectivity to catch up. */
export const SETTLE_MS = [2_000, 5_000, 15_000];

interface Activity { id: string; at: string; text: string; tone: string; link: string | null; }

/**
 * The fleet at a glance: counts by connectivity, lifecycle and environment, open alerts, and the
 * live activity. Monitoring's live stream triggers the updates; nothing polls.
 */
@Component({
  selector: 'app-fleet-page',
  imports: [RouterLink, MatButtonModule, MatIconModule, LoadState, StatusChip, TimePipe, AgoPipe],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ t.fleet.title }}</h1>
        <div class="actions">
          <button mat-stroked-button type="button" (click)="load()"><mat-icon svgIcon="refresh" aria-hidden="true" />{{ t.common.refresh }}</button>
        </div>
      </header>
      <app-load-state [loading]="loading() && !rows()" [error]="error()" (retry)="load()"
                      [empty]="!!rows() && total() === 0" [emptyText]="t.fleet.emptyFleet" [emptyHint]="t.fleet.emptyFleetHint" />
      @if (rows() && total() > 0) {
        <div class="kpis">
          <a class="kpi card" routerLink="/devices">
            <span class="label">{{ t.fleet.devices }}</span><span class="value" data-testid="count-total">{{ total() }}</span>
          </a>
          <a class="kpi card ok" routerLink="/devices" [queryParams]="{ connectivity: 'ONLINE' }">
            <span class="label">{{ t.fleet.online }}</span><span class="value" data-testid="count-online">{{ byConnectivity().ONLINE }}</span>
          </a>
          <a class="kpi card bad" routerLink="/devices" [queryParams]="{ connectivity: 'OFFLINE' }">
            <span class="label">{{ t.fleet.offline }}</span><span class="value" data-testid="count-offline">{{ byConnectivity().OFFLINE }}</span>
          </a>
          <a class="kpi card" routerLink="/devices" [queryParams]="{ connectivity: 'UNKNOWN' }">
            <span class="label">{{ t.fleet.unknown }}</span><span class="value" data-testid="count-unknown">{{ byConnectivity().UNKNOWN }}</span>
          </a>
          <a class="kpi card warn" routerLink="/alerts">
            <span class="label">{{ t.fleet.openAlerts }}</span><span class="value" data-testid="count-alerts">{{ alertCount() }}</span>
          </a>
        </div>
        <div class="grid two">
          <section class="card" aria-labelledby="env-h">
            <h2 id="env-h">{{ t.fleet.byEnvironment }}</h2>
            @for (env of environments; track env) {
              <div class="bar-row">
                <a [routerLink]="['/devices']" [queryParams]="{ environment: env }" class="bar-label"><app-status [value]="env" /></a>
                <div class="bar" role="img" [attr.aria-label]="env + ': ' + envTotal(env) + ' devices, ' + envCount(env, 'ONLINE') + ' online'">
                  <span class="seg ok" [style.flex-grow]="envCount(env, 'ONLINE')"></span>
                  <span class="seg bad" [style.flex-grow]="envCount(env, 'OFFLINE')"></span>
                  <span class="seg neutral" [style.flex-grow]="envCount(env, 'UNKNOWN')"></span>
                </div>
                <span class="bar-value" [attr.data-testid]="'env-' + env">{{ envTotal(env) }}</span>
              </div>
            }
            <p class="legend muted"><span class="sw ok"></span>{{ t.fleet.online }} <span class="sw bad"></span>{{ t.fleet.offline }} <span class="sw neutral"></span>{{ t.fleet.unknown }}</p>
          </section>
          <section class="card" aria-labelledby="life-h">
            <h2 id="life-h">{{ t.fleet.byLifecycle }}</h2>
            <dl class="facts">
              <dt><a routerLink="/devices" [queryParams]="{ lifecycle: 'ACTIVE' }">{{ t.fleet.active }}</a></dt><dd data-testid="count-active">{{ byLifecycle().ACTIVE }}</dd>
              <dt><a routerLink="/devices" [queryParams]="{ lifecycle: 'PENDING_ONBOARDING' }">{{ t.fleet.pending }}</a></dt><dd data-testid="count-pending">{{ byLifecycle().PENDING_ONBOARDING }}</dd>
            </dl>
          </section>
        </div>
      }
      <div class="grid two">
        <section class="card" aria-labelledby="alerts-h">
          <header class="page-header"><h2 id="alerts-h">{{ t.fleet.openAlerts }}</h2><a routerLink="/alerts">{{ t.fleet.viewAll }}</a></header>
          @if (alerts().length === 0) {
            <p class="muted">{{ t.fleet.noAlerts }}</p>
          }
          <ul class="list">
            @for (a of alerts(); track a.id) {
              <li>
                <app-status [value]="a.type" />
                <span class="grow">{{ a.detail || a.subject }}</span>
                <time class="muted" [attr.datetime]="a.openedAt" [title]="a.openedAt | time">{{ a.openedAt | ago }}</time>
              </li>
            }
          </ul>
        </section>
        <section class="card" aria-labelledby="act-h">
          <h2 id="act-h">{{ t.fleet.lastEvents }}</h2>
          @if (activity().length === 0) {
            <p class="muted">{{ t.fleet.noEvents }}</p>
          }
          <ul class="list" aria-live="polite" data-testid="activity">
            @for (a of activity(); track a.id) {
              <li>
                <span class="chip" [class]="'chip ' + a.tone">{{ a.text }}</span>
                <span class="grow">@if (a.link) {<a [routerLink]="a.link">{{ a.link.split('/').pop()?.substring(0, 8) }}</a>}</span>
                <time class="muted" [attr.datetime]="a.at">{{ a.at | time }}</time>
              </li>
            }
          </ul>
        </section>
      </div>
    </section>
  `,
  styles: `
    .kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .kpi { display: flex; flex-direction: column; gap: 4px; text-decoration: none; color: inherit; }
    .kpi .label { font: var(--mat-sys-label-large); color: var(--mat-sys-on-surface-variant); }
    .kpi .value { font: var(--mat-sys-display-small); }
    .kpi.ok .value { color: #0b5d1e; } .kpi.bad .value { color: #8c1d18; } .kpi.warn .value { color: #6b4a00; }
    .kpi:focus-visible, .kpi:hover { border-color: var(--mat-sys-primary); }
    .grid.two { grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); margin-bottom: 16px; }
    .bar-row { display: grid; grid-template-columns: 110px 1fr 48px; gap: 12px; align-items: center; margin: 10px 0; }
    .bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: var(--mat-sys-surface-container-high); }
    .seg.ok { background: #1e8e3e; } .seg.bad { background: #c5221f; } .seg.neutral { background: #9aa0a6; }
    .bar-value { text-align: right; font-variant-numeric: tabular-nums; }
    .legend { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    .sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-left: 8px; }
    .sw.ok { background: #1e8e3e; } .sw.bad { background: #c5221f; } .sw.neutral { background: #9aa0a6; }
    .list { list-style: none; margin: 0; padding: 0; }
    .list li { display: flex; gap: 8px; align-items: center; padding: 8px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); flex-wrap: wrap; }
    .list li:last-child { border-bottom: 0; }
    .grow { flex: 1 1 160px; min-width: 0; overflow-wrap: anywhere; }
    .page-header { margin-bottom: 8px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FleetPage {
  protected readonly t = T;
  protected readonly environments: Environment[] = ENVIRONMENTS;
  private readonly api = inject(DevicesApi);
  private readonly http = inject(HttpClient);
  private readonly session = inject(Session);
  private readonly live = inject(LiveEvents);

  protected readonly rows = signal<SummaryRow[] | null>(null);
  protected readonly alerts = signal<Alert[]>([]);
  protected readonly alertMore = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly activity = signal<Activity[]>([]);

  protected readonly total = computed(() => (this.rows() ?? []).reduce((sum, r) => sum + r.devices, 0));
  protected readonly byConnectivity = computed(() => this.count(r => r.connectivity, ['ONLINE', 'OFFLINE', 'UNKNOWN']));
  protected readonly byLifecycle = computed(() => this.count(r => r.lifecycle ?? 'ACTIVE', ['ACTIVE', 'PENDING_ONBOARDING']));
  protected readonly alertCount = computed(() => `${this.alerts().length}${this.alertMore() ? '+' : ''}`);

  private readonly refreshSummary = new Subject<void>();
  private readonly refreshAlerts = new Subject<void>();

  constructor() {
    const destroy = inject(DestroyRef);
    effect(() => {
      this.session.customerScope();
      this.load();
    });
    // The counts come from device-management, which learns connectivity from monitoring's relay a moment
    // after the live event (every second, longer after failures): read again shortly after, so the page
    // settles on the new numbers without a reload.
    this.refreshSummary.pipe(debounceTime(400), switchMap(() => merge(of(0), ...SETTLE_MS.map(ms => timer(ms)))),
      takeUntilDestroyed(destroy)).subscribe(() => this.loadSummary());
    this.refreshAlerts.pipe(debounceTime(400), takeUntilDestroyed(destroy)).subscribe(() => this.loadAlerts());
    this.live.on('device.online', 'device.offline').pipe(takeUntilDestroyed(destroy)).subscribe(event => {
      this.record(event);
      this.refreshSummary.next();
    });
    this.live.on('alert.opened', 'alert.resolved').pipe(takeUntilDestroyed(destroy)).subscribe(event => {
      this.record(event);
      this.refreshAlerts.next();
    });
  }

  protected load(): void {
    this.loadSummary();
    this.loadAlerts();
  }

  protected envCount(env: Environment, connectivity: Connectivity): number {
    return (this.rows() ?? []).filter(r => r.environment === env && r.connectivity === connectivity).reduce((s, r) => s + r.devices, 0);
  }

  protected envTotal(env: Environment): number {
    return (this.rows() ?? []).filter(r => r.environment === env).reduce((s, r) => s + r.devices, 0);
  }

  private loadSummary(): void {
    this.loading.set(true);
    this.api.summary(this.session.customerScope()).subscribe({
      next: rows => { this.rows.set(rows); this.error.set(null); this.loading.set(false); },
      error: (e: ApiError) => { this.error.set(e); this.loading.set(false); },
    });
  }

  private loadAlerts(): void {
    this.http.get<Page<Alert>>('/api/monitoring/v1/alerts',
      { params: params({ customerId: this.session.customerScope(), state: 'OPEN', limit: 100 }) })
      .subscribe({ next: page => { this.alerts.set(page.items); this.alertMore.set(!!page.nextCursor); }, error: () => undefined });
  }

  private count(key: (row: SummaryRow) => string, keys: string[]): Record<string, number> {
    const result: Record<string, number> = Object.fromEntries(keys.map(k => [k, 0]));
    for (const row of this.rows() ?? []) {
      result[key(row)] = (result[key(row)] ?? 0) + row.devices;
    }
    return result;
  }

  private record(event: LiveEvent): void {
    const data = event.data ?? {};
    const tone = event.type.endsWith('online') || event.type.endsWith('resolved') ? 'ok' : 'bad';
    const text = event.type === 'device.online' ? T.fleet.online : event.type === 'device.offline' ? T.fleet.offline
      : `${data.type ?? ''} ${event.type === 'alert.opened' ? T.alerts.open : T.alerts.resolved}`.trim();
    const deviceId = data.deviceId as string | undefined;
    const entry: Activity = { id: event.id || String(Math.random()), at: data.at ?? data.openedAt ?? new Date().toISOString(), text,
      tone, link: deviceId ? `/devices/${deviceId}` : null };
    this.activity.update(list => [entry, ...list].slice(0, 12));
  }
}
