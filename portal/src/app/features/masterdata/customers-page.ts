import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';

import { ApiError } from '../../core/api/api-error';
import { Customer, Page } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { Confirm } from '../../shared/confirm-dialog';
import { AgoPipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { TABLE_STYLES } from '../../shared/table-styles';

const CUSTOMERS = '/api/masterdata/v1/customers';

/** The platform's customers (platform admins). */
@Component({
  selector: 'app-customers-page',
  imports: [FormsModule, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, LoadState, StatusChip, AgoPipe],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.masterdata.customers }}</h1></header>
      <app-load-state [loading]="!customers() && !error()" [error]="error()" (retry)="load()" neededRole="platform-admin"
                      [empty]="!!customers() && customers()!.length === 0" [emptyText]="t.masterdata.noCustomers" />
      @if (customers()?.length) {
        <div class="table-wrap" tabindex="0">
          <table>
            <thead><tr><th scope="col">{{ t.common.name }}</th><th scope="col">{{ t.masterdata.code }}</th><th scope="col">{{ t.masterdata.contactEmail }}</th>
              <th scope="col">{{ t.common.status }}</th><th scope="col">{{ t.common.created }}</th><th scope="col"><span class="sr-only">{{ t.common.actions }}</span></th></tr></thead>
            <tbody>
              @for (c of customers(); track c.id) {
                <tr><td><button mat-button type="button" (click)="session.selectCustomer(c.id)">{{ c.name }}</button></td><td class="mono">{{ c.code }}</td><td>{{ c.contactEmail }}</td>
                  <td><app-status [value]="c.status" /></td><td>{{ c.createdAt | ago }}</td>
                  <td class="end"><button mat-button type="button" (click)="toggle(c)">{{ c.status === 'ACTIVE' ? t.masterdata.deactivate : t.masterdata.activate }}</button></td></tr>
              }
            </tbody>
          </table>
        </div>
      }
      <form class="card sub-form" (ngSubmit)="create()">
        <h2>{{ t.masterdata.newCustomer }}</h2>
        <div class="form-grid">
          <mat-form-field><mat-label>{{ t.common.name }}</mat-label><input matInput name="name" [(ngModel)]="form.name" required maxlength="200" /></mat-form-field>
          <mat-form-field><mat-label>{{ t.masterdata.code }}</mat-label><input matInput name="code" [(ngModel)]="form.code" required pattern="[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?" /></mat-form-field>
          <mat-form-field><mat-label>{{ t.masterdata.contactEmail }}</mat-label><input matInput name="mail" type="email" [(ngModel)]="form.contactEmail" required /></mat-form-field>
        </div>
        <div class="form-actions"><button mat-flat-button type="submit">{{ t.common.create }}</button></div>
      </form>
    </section>
  `,
  styles: [TABLE_STYLES, `
    .sub-form { margin-top: 16px; } .sub-form h2 { margin-bottom: 12px; }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomersPage {
  protected readonly t = T;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly confirm = inject(Confirm);
  protected readonly customers = signal<Customer[] | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected form = { name: '', code: '', contactEmail: '' };

  constructor() {
    this.load();
  }

  protected load(): void {
    this.http.get<Page<Customer>>(CUSTOMERS, { params: params({ limit: 500, sort: 'name' }) }).subscribe({
      next: p => { this.customers.set(p.items); this.error.set(null); },
      error: (e: ApiError) => this.error.set(e),
    });
  }

  protected create(): void {
    this.http.post<Customer>(CUSTOMERS, { name: this.form.name.trim(), code: this.form.code.trim(), contactEmail: this.form.contactEmail.trim() }).subscribe({
      next: () => { this.notify.success(T.masterdata.customerCreated); this.form = { name: '', code: '', contactEmail: '' }; this.load(); },
      error: e => this.notify.error(e, 'platform-admin'),
    });
  }

  protected toggle(customer: Customer): void {
    const go = () => this.http.post<Customer>(`${CUSTOMERS}/${encodeURIComponent(customer.id)}/${customer.status === 'ACTIVE' ? 'deactivate' : 'activate'}`, {},
      { headers: { 'If-Match': `"${customer.version}"` } }).subscribe({ next: () => this.load(), error: e => this.notify.error(e, 'platform-admin') });
    if (customer.status !== 'ACTIVE') {
      go();
      return;
    }
    this.confirm.ask({ title: T.masterdata.deactivateTitle, message: `${customer.name}: ${T.masterdata.deactivateText}`,
      confirm: T.masterdata.deactivate, typeToConfirm: customer.code, danger: true }, go);
  }
}
