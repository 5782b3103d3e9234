import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Router, RouterLink } from '@angular/router';
import { Subscription, forkJoin, switchMap, timer } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import { Page, Release, Rollout, RolloutCounts, RolloutDevice, RolloutDeviceEvent, RolloutDeviceStatus, RolloutGroup } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { Confirm, ConfirmData, WIDE_CONFIRM } from '../../shared/confirm-dialog';
import { AgoPipe, TimePipe, formatLabel } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { allowedActions, formatIsoDuration, isTerminal, sortedGroups } from './plan';
import { RolloutAction, RolloutsApi } from './rollouts-api';

/** How often a rollout that is not finished is fetched again. */
export const POLL_MS = 3000;
const FAILURE_PAGE = 20;
const FAILED: RolloutDeviceStatus[] = ['FAILED', 'TIMED_OUT'];
/** The count segments of a group's bar, in the order a device goes through them (failures last). */
const SEGMENTS: (keyof RolloutCounts)[] = ['ready', 'reconciling', 'assigned', 'pending', 'failed', 'timedOut'];

interface FailureStream { items: RolloutDevice[]; cursor: string | null; }

/**
 * One rollout: what goes where, each group's progress, the devices that failed or timed out (with
 * their history), and the operator's actions for its status. It refreshes every 3 s while the
 * rollout can still change and stops when it is finished or the page is left.
 */
@Component({
  selector: 'app-rollout-detail',
  imports: [RouterLink, MatButtonModule, MatIconModule, LoadState, StatusChip, TimePipe, AgoPipe],
  template: `
    <section class="page">
      <a routerLink="/rollouts" class="back"><mat-icon svgIcon="arrow_back" aria-hidden="true" />{{ t.rollouts.title }}</a>
      <app-load-state [loading]="!rollout() && !error()" [error]="error()" (retry)="load()" />
      @if (rollout(); as r) {
        <header class="page-header">
          <div class="title">
            <h1 data-testid="rollout-title">{{ r.releaseName || r.releaseId }}</h1>
            <app-status [value]="r.environment" />
            <app-status [value]="r.status" data-testid="rollout-status" />
            <span class="muted live" data-testid="rollout-live">{{ live() ? t.rollouts.live : t.rollouts.notLive }}</span>
          </div>
          @if (canOperate()) {
            <div class="actions">
              @if (actions().pause) {
                <button mat-stroked-button type="button" (click)="pause()" data-testid="action-pause"><mat-icon svgIcon="pause" aria-hidden="true" />{{ t.rollouts.pause }}</button>
              }
              @if (actions().resume) {
                <button mat-flat-button type="button" (click)="resume()" data-testid="action-resume"><mat-icon svgIcon="play_arrow" aria-hidden="true" />{{ t.rollouts.resume }}</button>
              }
              @if (actions().continue) {
                <button mat-flat-button type="button" (click)="continueRollout()" data-testid="action-continue"><mat-icon svgIcon="skip_next" aria-hidden="true" />{{ t.rollouts.continue }}</button>
              }
              @if (actions().cancel) {
                <button mat-stroked-button type="button" (click)="cancel()" data-testid="action-cancel"><mat-icon svgIcon="cancel" aria-hidden="true" />{{ t.rollouts.cancel }}</button>
              }
              @if (actions().rollback) {
                <button mat-flat-button type="button" class="danger" (click)="rollback()" [disabled]="!r.previousReleaseId"
                        [attr.aria-describedby]="r.previousReleaseId ? null : 'no-rollback'" data-testid="action-rollback">
                  <mat-icon svgIcon="undo" aria-hidden="true" />{{ t.rollouts.rollback }}</button>
              }
            </div>
          }
        </header>
        @if (canOperate() && actions().rollback && !r.previousReleaseId) {
          <p class="muted hint" id="no-rollback">{{ t.rollouts.nothingToRollBackTo }}</p>
        }
        @if (r.status === 'PAUSED' && r.pauseReason) {
          <p class="notice warn" role="status" data-testid="pause-reason"><mat-icon svgIcon="warning" aria-hidden="true" />
            <span><strong>{{ t.rollouts.pauseReason }}:</strong> {{ r.pauseReason }}</span></p>
        }

        <section class="card block" aria-labelledby="facts-h">
          <h2 id="facts-h" class="sr-only">{{ t.common.details }}</h2>
          <dl class="facts">
            <dt>{{ t.rollouts.release }}</dt><dd><a routerLink="/releases" data-testid="rollout-release">{{ r.releaseName || r.releaseId }}</a></dd>
            <dt>{{ t.common.environment }}</dt><dd><app-status [value]="r.environment" /></dd>
            <dt>{{ t.rollouts.selector }}</dt><dd data-testid="rollout-selector">
              @for (l of labels(); track l) { <span class="chip neutral">{{ l }}</span> }
              @if (r.selector?.machineId) { <span class="chip neutral">{{ t.rollouts.machine }}: {{ r.selector!.machineId }}</span> }
              @if (labels().length === 0 && !r.selector?.machineId) { {{ t.rollouts.selectorAll }} }</dd>
            <dt>{{ t.rollouts.targets }}</dt><dd>{{ r.total }} <span class="muted">· {{ t.rollouts.excluded(r.excluded) }}</span></dd>
            <dt>{{ t.rollouts.thresholds }}</dt><dd>{{ t.rollouts.thresholdsText(r.successThreshold, r.errorThreshold, duration(r.groupTimeout)) }}</dd>
            <dt>{{ t.rollouts.advanceLabel }}</dt><dd>{{ r.advance === 'MANUAL' ? t.rollouts.advanceManual : t.rollouts.advanceAuto }}</dd>
            <dt>{{ t.rollouts.previous }}</dt><dd>{{ r.previousReleaseId ? releaseName(r.previousReleaseId) : t.common.none }}</dd>
            @if (r.rollbackOf) {
              <dt>{{ t.rollouts.rollbackOf }}</dt><dd><a [routerLink]="['/rollouts', r.rollbackOf]">{{ r.rollbackOf.substring(0, 8) }}</a></dd>
            }
            @if (r.promotionId) {
              <dt>{{ t.rollouts.promotion }}</dt><dd><a routerLink="/releases">{{ r.promotionId.substring(0, 8) }}</a></dd>
            }
            <dt>{{ t.common.createdBy }}</dt><dd>{{ r.createdBy }} <time class="muted" [attr.datetime]="r.createdAt" [title]="r.createdAt | time">{{ r.createdAt | ago }}</time></dd>
          </dl>
        </section>

        <section class="block" aria-labelledby="groups-h">
          <h2 id="groups-h" class="section-h">{{ t.rollouts.groups }}</h2>
          <div class="groups">
            @for (g of groups(); track g.index; let i = $index) {
              <article class="card group" [attr.data-testid]="'rollout-group-' + i" [class.active]="g.status === 'ACTIVE'">
                <header class="group-head">
                  <h3>{{ t.rollouts.group(i + 1) }}</h3>
                  <app-status [value]="g.status" [attr.data-testid]="'group-status-' + i" />
                  <span class="muted">{{ t.rollouts.planned(g.size, g.plannedSize) }}</span>
                </header>
                <div class="bar" role="img" [attr.aria-label]="t.rollouts.groupProgress(i + 1, g.counts.ready, g.plannedSize)">
                  @for (s of segments; track s) {
                    @if (g.counts[s] > 0) { <span [class]="'seg ' + s" [style.flex-grow]="g.counts[s]"></span> }
                  }
                </div>
                <ul class="counts">
                  @for (s of segments; track s) {
                    <li [attr.data-testid]="'count-' + i + '-' + s"><span [class]="'dot ' + s" aria-hidden="true"></span>{{ countLabel(s) }} <strong>{{ g.counts[s] }}</strong></li>
                  }
                </ul>
                <p class="muted times">
                  {{ t.rollouts.thresholdsText(g.successThreshold, g.errorThreshold, duration(g.timeout)) }}<br />
                  {{ t.rollouts.started_ }}: @if (g.startedAt) {<time [attr.datetime]="g.startedAt">{{ g.startedAt | time }}</time>} @else {—}
                  · {{ t.rollouts.finished }}: @if (g.finishedAt) {<time [attr.datetime]="g.finishedAt">{{ g.finishedAt | time }}</time>} @else {—}
                </p>
              </article>
            }
          </div>
        </section>

        <section class="card block" aria-labelledby="fail-h">
          <h2 id="fail-h">{{ t.rollouts.failures }}</h2>
          @if (failuresError(); as e) { <app-load-state [error]="e" (retry)="loadFailures()" /> }
          @if (failures().length === 0 && !failuresError()) {
            <p class="muted" data-testid="no-failures">{{ t.rollouts.noFailures }}</p>
          } @else if (failures().length > 0) {
            <div class="table-wrap" tabindex="0">
              <table>
                <thead><tr><th scope="col">{{ t.rollouts.device }}</th><th scope="col">{{ t.common.status }}</th><th scope="col">{{ t.rollouts.reason }}</th>
                  <th scope="col">{{ t.rollouts.delivered }}</th><th scope="col">{{ t.rollouts.updated }}</th>
                  <th scope="col"><span class="sr-only">{{ t.rollouts.history }}</span></th></tr></thead>
                <tbody>
                  @for (d of failures(); track d.deviceId) {
                    <tr [attr.data-testid]="'failure-' + d.deviceId">
                      <td><a [routerLink]="['/devices', d.deviceId]">{{ d.deviceName }}</a><span class="muted of-group">· {{ t.rollouts.group(groupPosition(d.group)) }}</span></td>
                      <td><app-status [value]="d.status" /></td>
                      <td class="reason">{{ d.reason || '—' }}</td>
                      <td>{{ d.deliveredAt ? (d.deliveredAt | time) : '—' }}</td>
                      <td><time [attr.datetime]="d.updatedAt" [title]="d.updatedAt | time">{{ d.updatedAt | ago }}</time></td>
                      <td class="end">
                        <button mat-icon-button type="button" (click)="toggle(d)" [attr.aria-expanded]="expanded()[d.deviceId] !== undefined"
                                [attr.aria-controls]="'history-' + d.deviceId" [attr.aria-label]="t.rollouts.showHistory(d.deviceName)"
                                [attr.data-testid]="'history-toggle-' + d.deviceId">
                          <mat-icon [svgIcon]="expanded()[d.deviceId] !== undefined ? 'expand_less' : 'expand_more'" aria-hidden="true" /></button>
                      </td>
                    </tr>
                    @if (expanded()[d.deviceId]; as events) {
                      <tr [id]="'history-' + d.deviceId" class="history" [attr.data-testid]="'history-' + d.deviceId">
                        <td colspan="6">
                          @if (events === 'loading') { <span class="muted">{{ t.state.loading }}</span> }
                          @else {
                            <ol>
                              @for (ev of events; track $index) {
                                <li><time [attr.datetime]="ev.at">{{ ev.at | time }}</time> <app-status [value]="ev.status" /> @if (ev.reason) {<span>{{ ev.reason }}</span>}</li>
                              } @empty { <li class="muted">{{ t.rollouts.noHistory }}</li> }
                            </ol>
                          }
                        </td>
                      </tr>
                    }
                  }
                </tbody>
              </table>
            </div>
            @if (moreFailures()) {
              <div class="more"><button mat-stroked-button type="button" (click)="loadMoreFailures()" data-testid="more-failures">{{ t.common.loadMore }}</button></div>
            }
          }
        </section>
      }
    </section>
  `,
  styles: `
    .back { display: inline-flex; align-items: center; gap: 4px; margin-bottom: 8px; text-decoration: none; }
    .title { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
    .title h1 { overflow-wrap: anywhere; }
    .live { font: var(--mat-sys-label-medium); }
    .block { margin-bottom: 16px; }
    .section-h { margin-bottom: 12px; }
    .hint { margin: 0 0 12px; }
    .notice { display: flex; gap: 8px; align-items: flex-start; margin: 0 0 16px; padding: 8px 12px; border-radius: 8px; max-width: 80ch; }
    .notice.warn { background: #ffe9b8; color: #6b4a00; }
    .notice mat-icon { flex: none; }
    .danger { --mat-button-filled-container-color: var(--mat-sys-error); --mat-button-filled-label-text-color: var(--mat-sys-on-error); }
    .groups { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
    .group.active { border-color: var(--mat-sys-primary); }
    .group-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
    .group-head h3 { margin: 0; }
    .bar { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: var(--mat-sys-surface-container-high); }
    .seg { flex-basis: 0; }
    .ready { background: #1e8e3e; } .reconciling { background: #4a7dd1; } .assigned { background: #9ab8e8; }
    .pending { background: var(--mat-sys-outline-variant); } .failed { background: #c5221f; } .timedOut { background: #e37400; }
    .counts { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 12px; padding: 0; margin: 8px 0; }
    .dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
    .times { margin: 0; font: var(--mat-sys-body-small); }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: middle; }
    .reason { max-width: 40ch; overflow-wrap: anywhere; }
    .of-group { margin-left: 6px; white-space: nowrap; }
    .history td { background: var(--mat-sys-surface-container-low); }
    .history ol { margin: 0; padding-left: 20px; } .history li { margin: 4px 0; }
    .end { text-align: right; }
    .more { display: flex; justify-content: center; margin-top: 12px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolloutDetail {
  protected readonly t = T;
  protected readonly segments = SEGMENTS;
  readonly id = input.required<string>();
  private readonly api = inject(RolloutsApi);
  private readonly http = inject(HttpClient);
  private readonly session = inject(Session);
  private readonly confirm = inject(Confirm);
  private readonly notify = inject(Notifier);
  private readonly router = inject(Router);

  protected readonly rollout = signal<Rollout | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly releases = signal<Release[]>([]);
  private readonly streams = signal<Record<string, FailureStream>>({});
  protected readonly failuresError = signal<ApiError | null>(null);
  /** Per expanded device: its history, or 'loading'. */
  protected readonly expanded = signal<Record<string, RolloutDeviceEvent[] | 'loading'>>({});

  protected readonly canOperate = computed(() => this.session.has('operator'));
  protected readonly actions = computed(() => allowedActions(this.rollout()?.status ?? 'ROLLED_BACK'));
  /** Whether the page still refreshes (the rollout can change). */
  protected readonly live = computed(() => !!this.rollout() && !isTerminal(this.rollout()!.status));
  protected readonly groups = computed(() => (this.rollout() ? sortedGroups(this.rollout()!) : []));
  protected readonly labels = computed(() => Object.entries(this.rollout()?.selector?.labels ?? {}).map(([k, v]) => `${k}:${v}`));
  /** Both lists, each device once (a device that changed between two pages could be in both). */
  protected readonly failures = computed(() => {
    const seen = new Set<string>();
    return FAILED.flatMap(s => this.streams()[s]?.items ?? []).filter(d => !seen.has(d.deviceId) && !!seen.add(d.deviceId));
  });
  protected readonly moreFailures = computed(() => FAILED.some(s => !!this.streams()[s]?.cursor));

  private poll: Subscription | null = null;
  private destroyed = false;
  /** Failed + timed out at the last fetch: when it changes, the failures table is fetched again. */
  private failedCount = -1;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      this.poll?.unsubscribe();
    });
    effect(() => {
      this.id();
      untracked(() => {
        this.rollout.set(null);
        this.error.set(null);
        this.streams.set({});
        this.expanded.set({});
        this.failedCount = -1;
        this.load();
      });
    });
  }

  protected load(): void {
    this.poll?.unsubscribe();
    this.api.get(this.id()).subscribe({
      next: r => this.show(r),
      error: (e: ApiError) => this.error.set(e),
    });
  }

  /** Shows a fetched (or changed) rollout and plans the next fetch while it is not finished. */
  private show(rollout: Rollout): void {
    const first = this.rollout() === null;
    this.rollout.set(rollout);
    this.error.set(null);
    if (first) {
      this.loadReleases(rollout);
    }
    const failed = rollout.groups.reduce((sum, g) => sum + (g.counts?.failed ?? 0) + (g.counts?.timedOut ?? 0), 0);
    if (failed !== this.failedCount) {
      this.failedCount = failed;
      this.loadFailures();
    }
    this.schedule();
  }

  private schedule(): void {
    this.poll?.unsubscribe();
    this.poll = null;
    const r = this.rollout();
    if (this.destroyed || !r || isTerminal(r.status)) {
      return;
    }
    const id = r.id;
    this.poll = timer(POLL_MS).pipe(switchMap(() => this.api.get(id))).subscribe({
      next: next => { if (next.id === this.id()) this.show(next); },
      // A failed refresh keeps what is shown and tries again on the next tick.
      error: () => this.schedule(),
    });
  }

  private loadReleases(rollout: Rollout): void {
    const customerId = this.session.platformAdmin() ? rollout.customerId : null;
    this.http.get<Page<Release>>('/api/devices/v1/releases', { params: params({ customerId, limit: 200 }) })
      .subscribe({ next: p => this.releases.set(p.items), error: () => this.releases.set([]) });
  }

  /** The first page of failed and of timed-out devices (two keyset lists: the API filters one status at a time). */
  protected loadFailures(): void {
    const id = this.id();
    forkJoin(FAILED.map(status => this.api.devices(id, { status, limit: FAILURE_PAGE }))).subscribe({
      next: pages => {
        this.streams.set(Object.fromEntries(FAILED.map((s, i) => [s, { items: pages[i].items, cursor: pages[i].nextCursor ?? null }])));
        this.failuresError.set(null);
      },
      error: (e: ApiError) => this.failuresError.set(e),
    });
  }

  protected loadMoreFailures(): void {
    const id = this.id();
    for (const status of FAILED) {
      const stream = this.streams()[status];
      if (!stream?.cursor) continue;
      this.api.devices(id, { status, cursor: stream.cursor, limit: FAILURE_PAGE }).subscribe({
        next: page => this.streams.update(all => ({ ...all, [status]: { items: [...stream.items, ...page.items], cursor: page.nextCursor ?? null } })),
        error: (e: ApiError) => this.failuresError.set(e),
      });
    }
  }

  protected toggle(device: RolloutDevice): void {
    const key = device.deviceId;
    if (this.expanded()[key] !== undefined) {
      this.expanded.update(all => Object.fromEntries(Object.entries(all).filter(([k]) => k !== key)));
      return;
    }
    this.expanded.update(all => ({ ...all, [key]: 'loading' }));
    this.api.events(this.id(), key).subscribe({
      next: events => this.expanded.update(all => (key in all ? { ...all, [key]: events } : all)),
      error: e => {
        this.notify.error(e);
        this.expanded.update(all => Object.fromEntries(Object.entries(all).filter(([k]) => k !== key)));
      },
    });
  }

  protected groupPosition(index: number): number {
    const position = this.groups().findIndex(g => g.index === index);
    return position < 0 ? index : position + 1;
  }

  protected countLabel(key: keyof RolloutCounts): string {
    return T.rollouts.counts[key];
  }

  protected duration(value: string): string {
    return formatIsoDuration(value);
  }

  protected releaseName(id: string): string {
    return this.releases().find(r => r.id === id)?.name ?? id.substring(0, 8);
  }

  private nextGroup(): RolloutGroup | null {
    return this.groups().find(g => g.status === 'PENDING') ?? null;
  }

  protected pause(): void {
    this.ask({ title: T.rollouts.pauseTitle, message: T.rollouts.pauseText, confirm: T.rollouts.pause, reasonLabel: T.rollouts.reasonOptional },
      reason => this.act('pause', reason, T.rollouts.paused));
  }

  protected resume(): void {
    this.ask({ title: T.rollouts.resumeTitle, message: T.rollouts.resumeText, confirm: T.rollouts.resume },
      () => this.act('resume', null, T.rollouts.resumed));
  }

  protected continueRollout(): void {
    const next = this.nextGroup();
    const position = next ? this.groups().indexOf(next) + 1 : (this.groups().length);
    this.ask({ title: T.rollouts.continueTitle, message: T.rollouts.continueText(position), confirm: T.rollouts.continue },
      () => this.act('continue', null, T.rollouts.continued));
  }

  protected cancel(): void {
    this.ask({ title: T.rollouts.cancelTitle, message: T.rollouts.cancelText, confirm: T.rollouts.cancel, reasonLabel: T.rollouts.reasonOptional,
      danger: true }, reason => this.act('cancel', reason, T.rollouts.cancelled));
  }

  /** Explains which devices return to which release; the new rollout opens once it started. */
  protected rollback(): void {
    const r = this.rollout();
    if (!r?.previousReleaseId) return;
    const message = T.rollouts.rollbackText(r.releaseName || r.releaseId, formatLabel(r.environment), this.releaseName(r.previousReleaseId));
    this.ask({ title: T.rollouts.rollbackTitle, message, confirm: T.rollouts.rollback, danger: true }, () => {
      this.api.rollback(r.id).subscribe({
        next: created => { this.notify.success(T.rollouts.rolledBack); void this.router.navigate(['/rollouts', created.id]); },
        error: e => { this.notify.error(e, 'operator'); this.load(); },
      });
    });
  }

  private ask(data: ConfirmData, then: (reason: string | null) => void): void {
    this.confirm.ask(data, then, WIDE_CONFIRM);
  }

  private act(action: RolloutAction, reason: string | null, done: string): void {
    const id = this.id();
    this.api.act(id, action, reason).subscribe({
      next: changed => { this.notify.success(done); this.show(changed); },
      // 409 ROLLOUT_STATE: it changed meanwhile (e.g. the scheduler paused it); show what it is now.
      error: e => { this.notify.error(e, 'operator'); this.load(); },
    });
  }
}
