import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Router } from '@angular/router';

import { ApiError } from './core/api/api-error';
import { Session } from './core/auth/session';
import { Shell } from './core/layout/shell';
import { LoadState } from './shared/load-state';

/** Loads who is signed in, then shows the shell; a 401 has already sent the browser to the login. */
@Component({
  selector: 'app-root',
  imports: [Shell, LoadState],
  template: `
    @if (session.me()) {
      <app-shell />
    } @else {
      <div class="page"><app-load-state [loading]="!error()" [error]="error()" (retry)="load()" /></div>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly session = inject(Session);
  private readonly router = inject(Router);
  protected readonly error = signal<ApiError | null>(null);

  constructor() {
    this.load();
  }

  protected load(): void {
    this.error.set(null);
    this.session.load().then(() => {
      const target = this.session.takeReturnTo();
      if (target) {
        this.router.navigateByUrl(target);
      }
    }, (error: unknown) => {
      const e = ApiError.of(error);
      if (e.status !== 401) {
        this.error.set(e);
      }
    });
  }
}
