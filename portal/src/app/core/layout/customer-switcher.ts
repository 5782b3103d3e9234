import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatSelectModule } from '@angular/material/select';

import { Customer, Page } from '../api/models';
import { Session } from '../auth/session';
import { T } from '../i18n/messages';

/** A platform admin chooses which customer the portal shows, or all of them. */
@Component({
  selector: 'app-customer-switcher',
  imports: [MatFormFieldModule, MatSelectModule],
  template: `
    <mat-form-field appearance="outline" subscriptSizing="dynamic" class="switcher">
      <mat-label>{{ t.shell.customer }}</mat-label>
      <mat-select [value]="session.selectedCustomer() ?? ''" (valueChange)="session.selectCustomer($event || null)"
                  data-testid="customer-switcher">
        <mat-option value="">{{ t.shell.allCustomers }}</mat-option>
        @for (c of customers(); track c.id) {
          <mat-option [value]="c.id">{{ c.name }}</mat-option>
        }
      </mat-select>
    </mat-form-field>
  `,
  styles: `.switcher { width: 220px; } @media (max-width: 599px) { .switcher { width: 150px; } }`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CustomerSwitcher {
  protected readonly t = T;
  protected readonly session = inject(Session);
  protected readonly customers = signal<Customer[]>([]);

  constructor() {
    inject(HttpClient).get<Page<Customer>>('/api/masterdata/v1/customers', { params: { limit: 500, sort: 'name' } })
      .subscribe({ next: page => this.customers.set(page.items), error: () => this.customers.set([]) });
  }
}
