import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';

import { ENVIRONMENTS, Environment, ROLLOUT_STATUSES, Rollout, RolloutStatus } from '../../core/api/models';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { FilterSelect } from '../../shared/filter-select';
import { AgoPipe, TimePipe } from '../../shared/format';
import { KeysetPages, Pager, onScopeChange } from '../../shared/keyset-pages';
import { LoadState } from '../../shared/load-state';
import { StatusChip } from '../../shared/status-chip';
import { activeGroupPosition, totals } from './plan';
import { RolloutsApi } from './rollouts-api';

/** The customer's rollouts, newest first, filtered by environment and status (in the URL), keyset-paged like the device list. */
@Component({
  selector: 'app-rollout-list',
  imports: [RouterLink, FilterSelect, MatButtonModule, MatIconModule, MatProgressBarModule, LoadState, Pager, StatusChip,
    AgoPipe, TimePipe],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ t.rollouts.title }}</h1>
        <span class="muted" role="status">{{ page() ? t.rollouts.count(page()!.items.length + pages.offset(), !!page()!.nextCursor) : '' }}</span>
        @if (canCreate()) {
          <div class="actions">
            <a mat-flat-button routerLink="/rollouts/new" data-testid="new-rollout"><mat-icon svgIcon="add" aria-hidden="true" />{{ t.rollouts.newRollout }}</a>
          </div>
        }
      </header>
      <form class="filters card" role="search" (submit)="$event.preventDefault()">
        <app-filter-select [label]="t.common.environment" [anyText]="t.rollouts.anyEnvironment" [options]="environments" [value]="environment()"
                           (changed)="set({ environment: $event })" testId="rollout-environment-filter" />
        <app-filter-select [label]="t.common.status" [anyText]="t.rollouts.anyStatus" [options]="statuses" [value]="status()"
                           (changed)="set({ status: $event })" testId="rollout-status-filter" />
      </form>
      @if (pages.loading()) { <mat-progress-bar mode="indeterminate" [attr.aria-label]="t.state.loading" /> }
      <app-load-state [loading]="pages.loading() && !page()" [error]="pages.error()" (retry)="pages.load()"
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
          <app-pager [pages]="pages" [label]="t.rollouts.title" />
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
  protected readonly pages = new KeysetPages<Rollout>((cursor, limit) =>
    this.api.list({ customerId: this.session.customerScope(), environment: this.environment(), status: this.status(), cursor, limit }));
  protected readonly page = this.pages.page;
  protected readonly canCreate = computed(() => this.session.has('operator'));

  constructor() {
    this.route.queryParamMap.pipe(takeUntilDestroyed(inject(DestroyRef))).subscribe(q => {
      this.environment.set(q.get('environment') as Environment | null);
      this.status.set(q.get('status') as RolloutStatus | null);
      this.pages.first();
    });
    onScopeChange(this.session, () => this.pages.load());
  }

  protected set(change: { environment?: Environment | null; status?: RolloutStatus | null }): void {
    const environment = 'environment' in change ? change.environment : this.environment();
    const status = 'status' in change ? change.status : this.status();
    void this.router.navigate([], { relativeTo: this.route, replaceUrl: true, queryParams: { environment: environment || null, status: status || null } });
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
