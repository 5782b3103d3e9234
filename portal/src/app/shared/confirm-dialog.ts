import { ChangeDetectionStrategy, Component, Injectable, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

import { T } from '../core/i18n/messages';

export interface ConfirmData {
  title: string;
  message: string;
  confirm: string;
  /** When set, the user must type exactly this (e.g. the device name) to confirm. */
  typeToConfirm?: string;
  /** When set, a free text (e.g. a reason) is asked for and returned. */
  reasonLabel?: string;
  danger?: boolean;
}

/** Asks before an action; returns true, or the reason text when one was asked for. */
@Component({
  selector: 'app-confirm-dialog',
  imports: [MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, FormsModule],
  template: `
    <h2 mat-dialog-title>{{ data.title }}</h2>
    <mat-dialog-content>
      <p>{{ data.message }}</p>
      @if (data.typeToConfirm) {
        <p>{{ t.confirm.typeName }} <strong class="mono">{{ data.typeToConfirm }}</strong></p>
        <mat-form-field appearance="outline" class="full">
          <mat-label>{{ t.confirm.typeLabel }}</mat-label>
          <input matInput [ngModel]="typed()" (ngModelChange)="typed.set($event)" autocomplete="off" cdkFocusInitial data-testid="type-to-confirm" />
        </mat-form-field>
      }
      @if (data.reasonLabel) {
        <mat-form-field appearance="outline" class="full">
          <mat-label>{{ data.reasonLabel }}</mat-label>
          <textarea matInput [ngModel]="reason()" (ngModelChange)="reason.set($event)" maxlength="1000" rows="3"></textarea>
        </mat-form-field>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false">{{ t.common.cancel }}</button>
      <button mat-flat-button type="button" [class.danger]="data.danger" [disabled]="!allowed()"
              [mat-dialog-close]="data.reasonLabel ? (reason() || '') : true" data-testid="confirm">{{ data.confirm }}</button>
    </mat-dialog-actions>
  `,
  styles: `.full { width: 100%; } .danger { --mat-button-filled-container-color: var(--mat-sys-error); --mat-button-filled-label-text-color: var(--mat-sys-on-error); }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmDialog {
  protected readonly t = T;
  protected readonly data = inject<ConfirmData>(MAT_DIALOG_DATA);
  protected readonly typed = signal('');
  protected readonly reason = signal('');

  protected allowed(): boolean {
    return !this.data.typeToConfirm || this.typed() === this.data.typeToConfirm;
  }
}

/** The dialog's size on the detail pages (their confirmations say more). */
export const WIDE_CONFIRM = { width: '480px', maxWidth: '95vw' };

/** Asks before an action with the {@link ConfirmDialog}. */
@Injectable({ providedIn: 'root' })
export class Confirm {
  private readonly dialog = inject(MatDialog);

  /**
   * Calls {@code then} only when confirmed (not when cancelled or dismissed), with the reason typed
   * (trimmed), or null when none was typed or asked for.
   */
  ask(data: ConfirmData, then: (reason: string | null) => void, size: { width?: string; maxWidth?: string } = {}): void {
    this.dialog.open(ConfirmDialog, { data, ...size }).afterClosed().subscribe(result => {
      if (result === false || result === undefined || result === null) return;
      then(typeof result === 'string' && result.trim() ? result.trim() : null);
    });
  }
}
