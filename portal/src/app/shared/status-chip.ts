import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

import { LabelPipe } from './format';

const TONES: Record<string, string> = {
  ONLINE: 'ok', ACTIVE: 'ok', ready: 'ok', UP: 'ok', APPROVED: 'ok', USED: 'ok', VALID: 'ok', ENABLED: 'ok', SENT: 'ok',
  OFFLINE: 'bad', DECOMMISSIONED: 'neutral', 'reconciliation failed': 'bad', DOWN: 'bad', REJECTED: 'bad', OPEN: 'bad',
  REVOKED: 'bad', DEACTIVATED: 'bad', DISABLED: 'bad', FAILED: 'bad',
  PENDING_ONBOARDING: 'warn', reconciling: 'info', 'not ready': 'warn', deleting: 'neutral', REQUESTED: 'warn',
  EXPIRED: 'neutral', RESOLVED: 'neutral', UNKNOWN: 'neutral',
  TESTING: 'info', STAGING: 'warn', PRODUCTION: 'ok',
  RUNNING: 'info', WAITING: 'warn', PAUSED: 'warn', SUCCEEDED: 'ok', CANCELLED: 'neutral', ROLLED_BACK: 'neutral',
  ASSIGNED: 'info', RECONCILING: 'info', READY: 'ok', TIMED_OUT: 'bad',
};

/** A small coloured label for a state; the text always says the state (colour is never the only cue). */
@Component({
  selector: 'app-status',
  imports: [LabelPipe],
  template: `<span class="chip" [class]="'chip ' + tone()">{{ raw() ? value() : (value() | label) }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusChip {
  readonly value = input.required<string>();
  readonly raw = input(false);
  readonly tone = computed(() => TONES[this.value()] ?? 'neutral');
}
