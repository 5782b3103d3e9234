import { HttpClient, HttpResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { ApiError } from '../../core/api/api-error';
import { MACHINE_TYPES, Machine, MachineType, Page } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { Confirm } from '../../shared/confirm-dialog';
import { LabelPipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { TABLE_STYLES } from '../../shared/table-styles';
import { MACHINES } from './machines-api';

/** The machines devices are attached to. */
@Component({
  selector: 'app-machines-page',
  imports: [FormsModule, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState, LabelPipe],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.masterdata.machines }}</h1>
        <mat-form-field class="search"><mat-label>{{ t.common.search }}</mat-label>
          <input matInput [ngModel]="q()" (ngModelChange)="q.set($event); load()" autocomplete="off" /></mat-form-field>
      </header>
      <app-load-state [loading]="loading() && !machines()" [error]="error()" (retry)="load()"
                      [empty]="!!machines() && machines()!.length === 0" [emptyText]="t.masterdata.noMachines" />
      @if (machines()?.length) {
        <div class="table-wrap" tabindex="0">
          <table>
            <thead><tr><th scope="col">{{ t.common.name }}</th><th scope="col">{{ t.common.type }}</th><th scope="col">{{ t.masterdata.serialNumber }}</th>
              <th scope="col">{{ t.masterdata.manufacturer }}</th><th scope="col">{{ t.masterdata.site }}</th><th scope="col"><span class="sr-only">{{ t.common.actions }}</span></th></tr></thead>
            <tbody>
              @for (m of machines(); track m.id) {
                <tr><td>{{ m.name }}</td><td>{{ m.type | label }}</td><td class="mono">{{ m.serialNumber }}</td>
                  <td>{{ m.manufacturer }} {{ m.model }}</td><td>{{ m.site }} {{ m.location }}</td>
                  <td class="end">@if (canEdit()) {<button mat-button type="button" (click)="remove(m)">{{ t.common.delete }}</button>}</td></tr>
              }
            </tbody>
          </table>
        </div>
      }
      @if (canEdit()) {
        <form class="card sub-form" (ngSubmit)="create()">
          <h2>{{ t.masterdata.newMachine }}</h2>
          @if (!session.owningCustomer()) { <p class="muted">{{ t.common.chooseCustomer }}</p> }
          <div class="form-grid">
            <mat-form-field><mat-label>{{ t.common.name }}</mat-label><input matInput name="name" [(ngModel)]="form.name" required maxlength="200" /></mat-form-field>
            <mat-form-field><mat-label>{{ t.common.type }}</mat-label><mat-select name="type" [(ngModel)]="form.type">
              @for (ty of types; track ty) { <mat-option [value]="ty">{{ ty | label }}</mat-option> }</mat-select></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.serialNumber }}</mat-label><input matInput name="serial" [(ngModel)]="form.serialNumber" required maxlength="100" /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.manufacturer }}</mat-label><input matInput name="man" [(ngModel)]="form.manufacturer" maxlength="200" /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.model }}</mat-label><input matInput name="model" [(ngModel)]="form.model" maxlength="200" /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.site }}</mat-label><input matInput name="site" [(ngModel)]="form.site" maxlength="200" /></mat-form-field>
          </div>
          <div class="form-actions"><button mat-flat-button type="submit" [disabled]="!session.owningCustomer()">{{ t.common.create }}</button></div>
        </form>
      }
    </section>
  `,
  styles: [TABLE_STYLES, `
    .search { width: 240px; }
    .sub-form { margin-top: 16px; } .sub-form h2 { margin-bottom: 12px; }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MachinesPage {
  protected readonly t = T;
  protected readonly types = MACHINE_TYPES;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly confirm = inject(Confirm);
  protected readonly machines = signal<Machine[] | null>(null);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly q = signal('');
  protected readonly canEdit = computed(() => this.session.has('operator'));
  protected form = { name: '', type: 'INJECTION_MOULDING' as MachineType, serialNumber: '', manufacturer: '', model: '', site: '' };

  constructor() {
    effect(() => {
      this.session.customerScope();
      untracked(() => this.load());
    });
  }

  protected load(): void {
    this.loading.set(true);
    this.http.get<Page<Machine>>(MACHINES, { params: params({ customerId: this.session.customerScope(), q: this.q(), limit: 200, sort: 'name' }) })
      .subscribe({
        next: p => { this.machines.set(p.items); this.error.set(null); this.loading.set(false); },
        error: (e: ApiError) => { this.error.set(e); this.loading.set(false); },
      });
  }

  protected create(): void {
    const f = this.form;
    const customer = this.session.platformAdmin() ? { customerId: this.session.owningCustomer() } : {};
    this.http.post<Machine>(MACHINES, { name: f.name.trim(), type: f.type, serialNumber: f.serialNumber.trim(), manufacturer: f.manufacturer || undefined,
      model: f.model || undefined, site: f.site || undefined, ...customer }).subscribe({
      next: () => { this.notify.success(T.masterdata.machineCreated); this.form = { ...this.form, name: '', serialNumber: '' }; this.load(); },
      error: e => this.notify.error(e, 'operator'),
    });
  }

  protected remove(machine: Machine): void {
    this.confirm.ask({ title: T.masterdata.deleteMachine, message: `${machine.name}: ${T.masterdata.deleteMachineText}`, confirm: T.common.delete, danger: true },
      () => {
        this.http.delete(`${MACHINES}/${encodeURIComponent(machine.id)}`, { headers: { 'If-Match': `"${machine.version}"` }, observe: 'response' })
          .subscribe({ next: (_: HttpResponse<object>) => { this.notify.success(T.masterdata.machineDeleted); this.load(); }, error: e => this.notify.error(e, 'operator') });
      });
  }
}
