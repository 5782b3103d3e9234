import { Injectable, inject } from '@angular/core';
import { MatSnackBar } from '@angular/material/snack-bar';

import { ApiError } from '../core/api/api-error';
import { T } from '../core/i18n/messages';

/** Short messages after an action; failures say what the API said (title, detail, needed role, retry). */
@Injectable({ providedIn: 'root' })
export class Notifier {
  private readonly snackBar = inject(MatSnackBar);

  success(message: string): void {
    this.snackBar.open(message, T.common.close, { duration: 4000, politeness: 'polite' });
  }

  error(error: unknown, role?: string): void {
    const e = ApiError.of(error);
    let message = e.detail ? `${e.title}: ${e.detail}` : e.title;
    if (e.status === 403 && role) {
      message = `${T.state.forbidden}. ${T.state.needsRole(role)} ${e.detail ?? ''}`;
    } else if (e.status === 503 || e.status === 504) {
      message = `${T.state.unavailable}. ${T.state.retryHint(e.retryAfterSeconds ?? 5)}`;
    }
    if (e.fieldErrors.length) {
      message += ' — ' + e.fieldErrors.map(f => `${f.field}: ${f.message}`).join('; ');
    }
    this.snackBar.open(message, T.common.close, { duration: 8000, politeness: 'assertive' });
  }
}
