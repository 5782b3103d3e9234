import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressSpinnerModule } from '@angular/material/progress-spinner';

import { ApiError } from '../core/api/api-error';
import { T } from '../core/i18n/messages';

/**
 * Loading, error and empty states, the same on every page. A 403 says which role is needed, a
 * 503/504 that the service is briefly unavailable and when to retry.
 */
@Component({
  selector: 'app-load-state',
  imports: [MatProgressSpinnerModule, MatButtonModule, MatIconModule],
  template: `
    @if (loading()) {
      <div class="state" role="status" aria-live="polite">
        <mat-spinner diameter="32" aria-hidden="true" /><span>{{ t.state.loading }}</span>
      </div>
    } @else if (error(); as e) {
      <div class="state error" role="alert">
        <mat-icon svgIcon="error" aria-hidden="true" />
        <div>
          <strong>{{ headline() }}</strong>
          <p>{{ explanation() }}</p>
          @if (e.status !== 403 && e.status !== 404) {
            <button mat-stroked-button type="button" (click)="retry.emit()">
              <mat-icon svgIcon="refresh" aria-hidden="true" />{{ t.state.retry }}
            </button>
          }
        </div>
      </div>
    } @else if (empty()) {
      <div class="state" role="status">
        <mat-icon svgIcon="info" aria-hidden="true" />
        <div><strong>{{ emptyText() }}</strong>@if (emptyHint()) {<p>{{ emptyHint() }}</p>}</div>
      </div>
    }
  `,
  styles: `
    .state { display: flex; gap: 12px; align-items: flex-start; padding: 24px 16px; color: var(--mat-sys-on-surface-variant); }
    .state.error { color: var(--mat-sys-on-error-container); background: var(--mat-sys-error-container); border-radius: 12px; }
    .state p { margin: 4px 0 8px; }
    mat-spinner { flex: none; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadState {
  protected readonly t = T;
  readonly loading = input(false);
  readonly error = input<ApiError | null>(null);
  readonly empty = input(false);
  readonly emptyText = input(T.state.empty);
  readonly emptyHint = input<string | null>(null);
  /** The role the page needs, named when the API answers 403. */
  readonly neededRole = input<string | null>(null);
  readonly retry = output<void>();

  protected readonly headline = computed(() => {
    const e = this.error();
    if (!e) return '';
    if (e.status === 403) return T.state.forbidden;
    if (e.status === 503 || e.status === 504) return T.state.unavailable;
    if (e.status === 0) return T.state.offline;
    return e.title || T.state.failed;
  });

  protected readonly explanation = computed(() => {
    const e = this.error();
    if (!e) return '';
    if (e.status === 403) {
      const role = this.neededRole();
      return (role ? T.state.needsRole(role) + ' ' : '') + (e.detail ?? '');
    }
    if (e.status === 503 || e.status === 504) return T.state.retryHint(e.retryAfterSeconds ?? 5);
    return e.detail || e.title;
  });
}
