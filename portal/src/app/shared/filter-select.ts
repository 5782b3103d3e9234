import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';

import { LabelPipe } from './format';

/**
 * A list filter that picks one of a fixed set of values (shown by their labels), or "any" (null).
 * The host takes no box of its own: the form field sits in the filter bar as if written there.
 */
@Component({
  selector: 'app-filter-select',
  imports: [MatFormFieldModule, MatSelectModule, LabelPipe],
  template: `
    <mat-form-field>
      <mat-label>{{ label() }}</mat-label>
      <mat-select [value]="value() ?? ''" (valueChange)="changed.emit($event || null)" [attr.data-testid]="testId()">
        <mat-option value="">{{ anyText() }}</mat-option>
        @for (o of options(); track o) { <mat-option [value]="o">{{ o | label }}</mat-option> }
      </mat-select>
    </mat-form-field>
  `,
  styles: `:host { display: contents; }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class FilterSelect<T extends string> {
  readonly label = input.required<string>();
  /** The option that clears the filter ("All environments"). */
  readonly anyText = input.required<string>();
  readonly options = input.required<readonly T[]>();
  readonly value = input<T | null | undefined>(null);
  readonly testId = input<string | null>(null);
  /** The value picked, or null for "any". */
  readonly changed = output<T | null>();
}
