import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';

import { ApiError } from '../../core/api/api-error';
import { ENVIRONMENTS, Environment, Page, ROLLOUT_STATUSES, Rollout, RolloutStatus } from '../../core/api/models';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { AgoPipe, LabelPipe, TimePipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { StatusChip } from '../../shared/status-chip';
import { activeGroupPosition, totals } from './plan';
import { RolloutsApi } from './rollouts-api';

const PAGE_SIZE = 50;

/** The customer's rollouts, newest first, filtered by environment and status (in the URL), keyset-paged like the device list. */
@Component({
  selector: 'app-rollout-list',
  imports: [RouterLink, MatFormFieldModule, MatSelectModule, MatButtonModule, MatIconModule, MatProgressBarModule, LoadState, StatusChip,
    AgoPipe, TimePipe, LabelPipe],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ t.rollouts.title }}</h1>
        <span class="muted" role="status">{{ page() ? t.rollouts.count(page()!.items.length + offset(), !!page()!.nextCursor) : '' }}</span>
        @if (canCreate()) {
          <div class="actions">
            <a mat-flat-button routerLink="/rollouts/new" data-testid="new-rollout"><mat-icon svgIcon="add" aria-hidden="true" />{{ t.rollouts.newRollout }}</a>
          </div>
        }
      </header>
      <form class="filters card" role="search" (submit)="$event.preventDefault()">
        <mat-form-field>
          <mat-label>{{ t.common.environment }}</mat-label>
          <mat-select [value]="environment() ?? ''" (valueChange)="set({ environment: $event || null })" data-testid="rollout-environment-filter">
            <mat-option value="">{{ t.rollouts.anyEnvironment }}</mat-option>
            @for (e of environments; track e) { <mat-option [value]="e">{{ e | label }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ t.common.status }}</mat-label>
          <mat-select [value]="status() ?? ''" (valueChange)="set({ status: $event || null })" data-testid="rollout-status-filter">
            <mat-option value="">{{ t.rollouts.anyStatus }}</mat-option>
            @for (s of statuses; track s) { <mat-option [value]="s">{{ s | label }}</mat-option> }
          </mat-select>
        </mat-form-field>
      </form>
      @if (loading()) { <mat-progress-bar mode="indeterminate" [attr.aria-label]="t.state.loading" /> }
      <app-load-state [loading]="loading() && !page()" [error]="error()" (retry)="load()"
                      [empty]="!!page() && page()!.items.length === 0" [emptyText]="t.rollouts.empty" />
      @if (page(); as p) {
        @if (p.items.length > 0) {
          <div class="table-wrap" tabindex="0">
            <table [attr.aria-label]="t.rollouts.title">
              <thead>
                <tr>
                  <th scope="col">{{ t.rollouts.release }}</th><th scope="col">{{ t.common.environment }}</th>
                  <th scope="col">{{ t.common.status }}</th><th scope="col">{{ t.rollouts.progress }}</th>
                  <th scope="col">{{ t.rollouts.activeGroup }}</th><th scope="col">{{ t.common.created }}</th>
                </tr>
              </thead>
              <tbody>
                @for (r of p.items; track r.id) {
                  <tr [attr.data-testid]="'rollout-row-' + r.id">
                    <td><a [routerLink]="['/rollouts', r.id]">{{ r.releaseName || r.releaseId.substring(0, 8) }}</a></td>
                    <td><app-status [value]="r.environment" /></td>
                    <td><app-status [value]="r.status" /></td>
                    <td class="progress">
                      <span>{{ t.rollouts.readyOf(ready(r), r.total) }}</span>
                      <!-- Not a mat-progress-bar: that one means "still loading" on every page (and to the browser tests). -->
                      <span class="meter" aria-hidden="true"><span [style.width.%]="percent(r)"></span></span>
                    </td>
                    <td>{{ position(r) ? t.rollouts.groupOf(position(r)!, r.groups.length) : '—' }}</td>
                    <td>{{ r.createdBy }} <time class="muted" [attr.datetime]="r.createdAt" [title]="r.createdAt | time">{{ r.createdAt | ago }}</time></td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
          <nav class="pager" [attr.aria-label]="t.rollouts.title">
            <button mat-stroked-button type="button" [disabled]="cursors().length === 0" (click)="previous()">
              <mat-icon svgIcon="arrow_back" aria-hidden="true" />{{ t.common.back }}</button>
            <button mat-stroked-button type="button" [disabled]="!p.nextCursor" (click)="next(p.nextCursor!)" data-testid="next-page">
              {{ t.common.loadMore }}<mat-icon iconPositionEnd svgIcon="chevron_right" aria-hidden="true" /></button>
          </nav>
        }
      }
    </section>
  `,
  styles: `
    .filters { margin-bottom: 16px; }
    table { border-collapse: collapse; }
    th, td { text-align: left; padding: 10px 12px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: middle; }
    th { font: var(--mat-sys-title-small); color: var(--mat-sys-on-surface-variant); background: var(--mat-sys-surface-container-low); }
    tbody tr:hover { background: var(--mat-sys-surface-container-low); }
    td a { font-weight: 500; }
    .progress { min-width: 140px; } .progress > span:first-child { display: block; margin-bottom: 4px; white-space: nowrap; }
    .meter { display: block; height: 6px; border-radius: 3px; background: var(--mat-sys-surface-container-high); overflow: hidden; }
    .meter > span { display: block; height: 100%; background: #1e8e3e; }
    .pager { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolloutList {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  protected readonly statuses = ROLLOUT_STATUSES;
  private readonly api = inject(RolloutsApi);
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly environment = signal<Environment | null>(null);
  protected readonly status = signal<RolloutStatus | null>(null);
  protected readonly page = signal<Page<Rollout> | null>(null);
  protected readonly cursors = signal<string[]>([]);
  protected readonly offset = signal(0);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly canCreate = computed(() => this.session.has('operator'));
  private current: string | null = null;

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe(q => {
      this.environment.set(q.get('environment') as Environment | null);
      this.status.set(q.get('status') as RolloutStatus | null);
      this.cursors.set([]);
      this.offset.set(0);
      this.current = null;
      this.load();
    });
    let previousScope: string | null | undefined;
    effect(() => {
      const scope = this.session.customerScope();
      untracked(() => {
        if (previousScope !== undefined && previousScope !== scope) {
          this.load();
        }
        previousScope = scope;
      });
    });
  }

  protected set(change: { environment?: Environment | null; status?: RolloutStatus | null }): void {
    const environment = 'environment' in change ? change.environment : this.environment();
    const status = 'status' in change ? change.status : this.status();
    void this.router.navigate([], { relativeTo: this.route, replaceUrl: true, queryParams: { environment: environment || null, status: status || null } });
  }

  protected next(cursor: string): void {
    this.cursors.update(list => [...list, this.current ?? '']);
    this.offset.update(o => o + (this.page()?.items.length ?? 0));
    this.current = cursor;
    this.load();
  }

  protected previous(): void {
    const list = this.cursors();
    this.current = list[list.length - 1] || null;
    this.cursors.set(list.slice(0, -1));
    this.offset.update(o => Math.max(0, o - PAGE_SIZE));
    this.load();
  }

  protected load(): void {
    this.loading.set(true);
    this.api.list({ customerId: this.session.customerScope(), environment: this.environment(), status: this.status(), cursor: this.current,
      limit: PAGE_SIZE }).subscribe({
      next: page => { this.page.set(page); this.error.set(null); this.loading.set(false); },
      error: (e: ApiError) => { this.error.set(e); this.page.set(null); this.loading.set(false); },
    });
  }

  protected ready(rollout: Rollout): number {
    return totals(rollout).ready;
  }

  protected percent(rollout: Rollout): number {
    return rollout.total > 0 ? Math.round((totals(rollout).ready / rollout.total) * 100) : 0;
  }

  protected position(rollout: Rollout): number | null {
    return activeGroupPosition(rollout);
  }
}
