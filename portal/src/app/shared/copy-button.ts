import { ChangeDetectionStrategy, Component, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';

import { T } from '../core/i18n/messages';

/** Copies a value to the clipboard and says so. */
@Component({
  selector: 'app-copy-button',
  imports: [MatButtonModule, MatIconModule, MatTooltipModule],
  template: `
    <button mat-stroked-button type="button" (click)="copy()" [attr.aria-label]="label()">
      <mat-icon [svgIcon]="copied() ? 'check' : 'content_copy'" aria-hidden="true" />
      {{ copied() ? t.common.copied : t.common.copy }}
    </button>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CopyButton {
  protected readonly t = T;
  readonly value = input.required<string>();
  readonly label = input(T.common.copy);
  protected readonly copied = signal(false);

  async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value());
    } catch {
      // Clipboard access can be refused (insecure origin); select-and-copy by hand still works.
      const area = document.createElement('textarea');
      area.value = this.value();
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    this.copied.set(true);
    setTimeout(() => this.copied.set(false), 2000);
  }
}
