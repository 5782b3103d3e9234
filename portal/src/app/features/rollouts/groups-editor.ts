import { ChangeDetectionStrategy, Component, computed, input, model } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

import { T } from '../../core/i18n/messages';
import { GroupDraft, GroupErrors, MAX_GROUPS, emptyGroup, groupErrors, numberOrNull } from './plan';

/**
 * The groups of a rollout plan: add and remove rows (1 to 10), a size per row ("N%" or a count) and
 * optional per-group thresholds and timeout. Problems show at the field as soon as it was touched;
 * the server's field errors ({@code groups[i].size}, …) show at the same place.
 */
@Component({
  selector: 'app-groups-editor',
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatButtonModule, MatIconModule],
  template: `
    <p class="muted hint" id="groups-hint">{{ t.rollouts.groupsHint }}</p>
    @for (g of groups(); track $index; let i = $index; let last = $last) {
      <fieldset class="group" [attr.data-testid]="'group-' + i">
        <legend>{{ t.rollouts.group(i + 1) }}</legend>
        <mat-form-field class="size">
          <mat-label>{{ t.rollouts.size }}</mat-label>
          <input matInput [name]="'size' + i" [ngModel]="g.size" (ngModelChange)="change(i, { size: $event })" (blur)="touch(i)"
                 autocomplete="off" placeholder="10%" required [attr.aria-invalid]="!!shown(i, 'size')" aria-describedby="groups-hint"
                 [attr.data-testid]="'group-size-' + i" />
          @if (shown(i, 'size'); as e) { <mat-hint class="invalid" [attr.data-testid]="'group-size-error-' + i">{{ e }}</mat-hint> }
        </mat-form-field>
        @for (f of overrides; track f.key) {
          <mat-form-field>
            <mat-label>{{ f.label }}</mat-label>
            <input matInput type="number" [min]="f.min" [max]="f.max" [attr.step]="f.step" [name]="f.name + i" [ngModel]="g[f.key]" (blur)="touch(i)"
                   (ngModelChange)="changeNumber(i, f.key, $event)" [attr.aria-invalid]="!!shown(i, f.key)"
                   [placeholder]="'' + f.default()" />
            @if (shown(i, f.key); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
            @else { <mat-hint>{{ t.rollouts.defaultValue(f.default() + f.unit) }}</mat-hint> }
          </mat-form-field>
        }
        <button mat-icon-button type="button" (click)="remove(i)" [disabled]="groups().length === 1"
                [attr.aria-label]="t.rollouts.removeGroup(i + 1)" [attr.data-testid]="'remove-group-' + i">
          <mat-icon svgIcon="delete" aria-hidden="true" /></button>
        @if (last && groups().length > 1) { <span class="muted rest">{{ t.rollouts.lastTakesRest }}</span> }
      </fieldset>
    }
    <button mat-stroked-button type="button" (click)="add()" [disabled]="groups().length >= max" data-testid="add-group">
      <mat-icon svgIcon="add" aria-hidden="true" />{{ t.rollouts.addGroup }}</button>
    @if (groups().length >= max) { <span class="muted"> {{ t.rollouts.tooManyGroups }}</span> }
  `,
  styles: `
    .hint { margin: 0 0 8px; max-width: 80ch; }
    .group { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: flex-start; border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px; padding: 8px 12px 4px; margin: 0 0 8px; }
    legend { font: var(--mat-sys-title-small); padding: 0 4px; }
    mat-form-field { width: 150px; }
    mat-form-field.size { width: 220px; }
    .invalid { color: var(--mat-sys-error); }
    .rest { align-self: center; font: var(--mat-sys-body-small); }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class GroupsEditor {
  protected readonly t = T;
  protected readonly max = MAX_GROUPS;
  readonly groups = model.required<GroupDraft[]>();
  readonly defaultSuccess = input(95);
  readonly defaultError = input(5);
  readonly defaultTimeout = input(30);
  /** The server's field errors, by the API's names ({@code groups[0].size}). */
  readonly serverErrors = input<Record<string, string>>({});
  /** Show every problem (after a submit attempt), not only those of touched rows. */
  readonly showAll = input(false);
  /** The numbers a group may set for itself (empty: the rollout's default shows as the placeholder). */
  protected readonly overrides = [
    { key: 'successThreshold', label: T.rollouts.successThreshold, min: 1, max: 100, step: null, name: 'success', unit: ' %', default: this.defaultSuccess },
    { key: 'errorThreshold', label: T.rollouts.errorThreshold, min: 0, max: 100, step: null, name: 'error', unit: ' %', default: this.defaultError },
    { key: 'timeoutMinutes', label: T.rollouts.timeoutMinutes, min: 1, max: 10080, step: 1, name: 'timeout', unit: ' min', default: this.defaultTimeout },
  ] as const;
  private readonly touched = new Set<number>();
  private readonly errors = computed(() => this.groups().map(groupErrors));

  protected shown(i: number, field: keyof GroupErrors): string | null {
    const server = this.serverErrors()[`groups[${i}].${field === 'timeoutMinutes' ? 'timeout' : field}`];
    if (server) return server;
    return this.showAll() || this.touched.has(i) ? this.errors()[i]?.[field] ?? null : null;
  }

  protected changeNumber(i: number, key: 'successThreshold' | 'errorThreshold' | 'timeoutMinutes', value: unknown): void {
    this.change(i, { [key]: numberOrNull(value) });
  }

  protected touch(i: number): void {
    this.touched.add(i);
    this.groups.update(list => [...list]);
  }

  protected change(i: number, patch: Partial<GroupDraft>): void {
    this.touched.add(i);
    this.groups.update(list => list.map((g, j) => (j === i ? { ...g, ...patch } : g)));
  }

  protected add(): void {
    if (this.groups().length < MAX_GROUPS) {
      this.groups.update(list => [...list, emptyGroup()]);
    }
  }

  protected remove(i: number): void {
    if (this.groups().length > 1) {
      this.touched.clear();
      this.groups.update(list => list.filter((_, j) => j !== i));
    }
  }
}
