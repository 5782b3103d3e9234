import { ChangeDetectionStrategy, Component, effect, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { Observable } from 'rxjs';

import { ApiError } from '../core/api/api-error';
import { Page } from '../core/api/models';
import { Session } from '../core/auth/session';
import { T } from '../core/i18n/messages';

/**
 * One page at a time of a keyset-paged list (the device and rollout tables): the page shown, the
 * cursors back to the first page, and how many rows come before it (for the count in the header).
 */
export class KeysetPages<T> {
  readonly page = signal<Page<T> | null>(null);
  /** The cursors of the pages before this one (the first page's is ''). */
  readonly cursors = signal<string[]>([]);
  readonly offset = signal(0);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);
  private current: string | null = null;

  /** @param fetch asks the API for the page at a cursor (null: the first page) with at most {@code size} rows */
  constructor(private readonly fetch: (cursor: string | null, size: number) => Observable<Page<T>>, readonly size = 50) {}

  /** Back to the first page (the filters changed). */
  first(): void {
    this.cursors.set([]);
    this.offset.set(0);
    this.current = null;
    this.load();
  }

  next(cursor: string): void {
    this.cursors.update(list => [...list, this.current ?? '']);
    this.offset.update(o => o + (this.page()?.items.length ?? 0));
    this.current = cursor;
    this.load();
  }

  previous(): void {
    const list = this.cursors();
    this.current = list[list.length - 1] || null;
    this.cursors.set(list.slice(0, -1));
    this.offset.update(o => Math.max(0, o - this.size));
    this.load();
  }

  /** The current page again. */
  load(): void {
    this.loading.set(true);
    this.fetch(this.current, this.size).subscribe({
      next: page => { this.page.set(page); this.error.set(null); this.loading.set(false); },
      error: (e: ApiError) => { this.error.set(e); this.page.set(null); this.loading.set(false); },
    });
  }
}

/**
 * A list read a page at a time and shown as one, with "Load more" (alerts, onboarding tokens): the
 * rows so far and the next page's cursor. {@code items} may be changed in place (an acknowledged alert).
 */
export class CursorList<T> {
  readonly items = signal<T[]>([]);
  readonly next = signal<string | null>(null);
  readonly loading = signal(false);
  readonly error = signal<ApiError | null>(null);

  /**
   * @param fetch asks the API for the page at a cursor (null: the first page)
   * @param keepWhileReloading a reload keeps the rows shown until the new ones arrive (a list that
   *   reloads by itself); otherwise it empties the list at once
   */
  constructor(private readonly fetch: (cursor: string | null) => Observable<Page<T>>, private readonly keepWhileReloading = false) {}

  /** From the first page again. */
  reload(): void {
    if (!this.keepWhileReloading) {
      this.items.set([]);
    }
    this.load(null, this.keepWhileReloading);
  }

  more(): void {
    this.load(this.next(), false);
  }

  private load(cursor: string | null, replace: boolean): void {
    this.loading.set(true);
    this.fetch(cursor).subscribe({
      next: p => { this.items.update(list => replace ? p.items : [...list, ...p.items]); this.next.set(p.nextCursor ?? null); this.error.set(null); this.loading.set(false); },
      error: (e: ApiError) => { this.error.set(e); this.loading.set(false); },
    });
  }
}

/**
 * Calls {@code changed} with the new scope when a platform admin picks another customer (not for the
 * first scope: the page loads that itself). Call in an injection context.
 */
export function onScopeChange(session: Session, changed: (scope: string | null) => void): void {
  let previousScope: string | null | undefined;
  effect(() => {
    const scope = session.customerScope();
    untracked(() => {
      if (previousScope !== undefined && previousScope !== scope) {
        changed(scope);
      }
      previousScope = scope;
    });
  });
}

/** "Back" and "Load more" under a keyset-paged table. */
@Component({
  selector: 'app-pager',
  imports: [MatButtonModule, MatIconModule],
  template: `
    @if (pages().page(); as p) {
      <nav class="pager" [attr.aria-label]="label()">
        <button mat-stroked-button type="button" [disabled]="pages().cursors().length === 0" (click)="pages().previous()">
          <mat-icon svgIcon="arrow_back" aria-hidden="true" />{{ t.common.back }}</button>
        <button mat-stroked-button type="button" [disabled]="!p.nextCursor" (click)="pages().next(p.nextCursor!)" data-testid="next-page">
          {{ t.common.loadMore }}<mat-icon iconPositionEnd svgIcon="chevron_right" aria-hidden="true" /></button>
      </nav>
    }
  `,
  styles: `
    :host { display: block; }
    .pager { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Pager {
  protected readonly t = T;
  /** The nav's accessible name (the table's). */
  readonly label = input.required<string>();
  readonly pages = input.required<KeysetPages<unknown>>();
}
