import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';

import { Session } from '../core/auth/session';
import { T } from '../core/i18n/messages';
import { fourEyes } from './four-eyes';

/**
 * Approve and reject for a four-eyes request (a promotion or a device move) in the approvals inbox; or,
 * where the signed-in person may not decide it, why not (a disabled approve button described by the reason).
 */
@Component({
  selector: 'app-four-eyes-decision',
  imports: [MatButtonModule, MatIconModule],
  template: `
    @switch (state()) {
      @case ('needs-admin') { <span class="muted">{{ t.releases.needsAdmin }}</span> }
      @case ('own-request') {
        <button mat-flat-button type="button" disabled [attr.aria-describedby]="'own-' + requestId()">{{ t.releases.approve }}</button>
        <span class="muted own" [id]="'own-' + requestId()">{{ ownText() }}</span>
      }
      @default {
        <button mat-flat-button type="button" (click)="decided.emit(true)" data-testid="approve">
          <mat-icon svgIcon="thumb_up" aria-hidden="true" />{{ t.releases.approve }}</button>
        <button mat-stroked-button type="button" (click)="decided.emit(false)" data-testid="reject">
          <mat-icon svgIcon="thumb_down" aria-hidden="true" />{{ t.releases.reject }}</button>
      }
    }
  `,
  styles: `
    :host { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .own { max-width: 320px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FourEyesDecision {
  protected readonly t = T;
  private readonly session = inject(Session);
  readonly requestedBy = input.required<string>();
  /** The request's id (names the reason a disabled approve button points to). */
  readonly requestId = input.required<string>();
  /** Why one's own request cannot be approved by oneself. */
  readonly ownText = input.required<string>();
  /** true: approve; false: reject. */
  readonly decided = output<boolean>();
  protected readonly state = computed(() => fourEyes(this.session, this.requestedBy()));
}
