import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';

import { ApiError } from '../../core/api/api-error';
import { CreatedUser, Page, Role, User } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { CopyButton } from '../../shared/copy-button';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { TABLE_STYLES } from '../../shared/table-styles';

/** A customer's users (kept in Keycloak): invite, change role, disable and enable. */
@Component({
  selector: 'app-users-page',
  imports: [FormsModule, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState, StatusChip, CopyButton],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.masterdata.users }}</h1></header>
      @if (!customer()) {
        <p class="muted">{{ t.common.chooseCustomer }}</p>
      } @else {
        @if (password(); as p) {
          <div class="card secret" role="region" [attr.aria-label]="t.masterdata.oneTimePassword">
            <p>{{ t.masterdata.oneTimePassword }} <code class="mono">{{ p }}</code></p>
            <app-copy-button [value]="p" /> <button mat-button type="button" (click)="password.set(null)">{{ t.common.close }}</button>
          </div>
        }
        <app-load-state [loading]="!users() && !error()" [error]="error()" (retry)="load()" neededRole="customer-admin"
                        [empty]="!!users() && users()!.length === 0" [emptyText]="t.masterdata.noUsers" />
        @if (users()?.length) {
          <div class="table-wrap" tabindex="0">
            <table>
              <thead><tr><th scope="col">{{ t.masterdata.username }}</th><th scope="col">{{ t.common.name }}</th><th scope="col">{{ t.masterdata.role }}</th>
                <th scope="col">{{ t.common.status }}</th><th scope="col"><span class="sr-only">{{ t.common.actions }}</span></th></tr></thead>
              <tbody>
                @for (u of users(); track u.id) {
                  <tr>
                    <td>{{ u.username }} @if (u.username === session.me()?.username) {<span class="muted">({{ t.masterdata.ownAccount }})</span>}</td>
                    <td>{{ u.firstName }} {{ u.lastName }}<div class="muted">{{ u.email }}</div></td>
                    <td>
                      @if (u.username !== session.me()?.username && u.role !== 'platform-admin') {
                        <mat-form-field class="role"><mat-label>{{ t.masterdata.role }}</mat-label>
                          <mat-select [value]="u.role" (valueChange)="changeRole(u, $event)">
                            @for (r of roles(); track r) { <mat-option [value]="r">{{ r }}</mat-option> }
                          </mat-select></mat-form-field>
                      } @else { {{ u.role }} }
                    </td>
                    <td><app-status [value]="u.enabled ? 'ENABLED' : 'DISABLED'" /></td>
                    <td class="end">
                      @if (u.username !== session.me()?.username && u.role !== 'platform-admin') {
                        <button mat-button type="button" (click)="toggle(u)">{{ u.enabled ? t.masterdata.disable : t.masterdata.enable }}</button>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
        <form class="card sub-form" (ngSubmit)="invite()">
          <h2>{{ t.masterdata.invite }}</h2>
          <div class="form-grid">
            <mat-form-field><mat-label>{{ t.masterdata.username }}</mat-label><input matInput name="username" [(ngModel)]="form.username" required pattern="[a-z0-9][a-z0-9._@-]{2,63}" autocomplete="off" /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.email }}</mat-label><input matInput name="email" type="email" [(ngModel)]="form.email" required /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.firstName }}</mat-label><input matInput name="first" [(ngModel)]="form.firstName" required /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.lastName }}</mat-label><input matInput name="last" [(ngModel)]="form.lastName" required /></mat-form-field>
            <mat-form-field><mat-label>{{ t.masterdata.role }}</mat-label><mat-select name="role" [(ngModel)]="form.role">
              @for (r of roles(); track r) { <mat-option [value]="r">{{ r }}</mat-option> }</mat-select></mat-form-field>
          </div>
          <div class="form-actions"><button mat-flat-button type="submit">{{ t.masterdata.invite }}</button></div>
        </form>
      }
    </section>
  `,
  styles: [TABLE_STYLES, `
    .role { width: 170px; } .sub-form { margin-top: 16px; } .sub-form h2 { margin-bottom: 12px; }
    .secret { background: var(--mat-sys-primary-container); margin-bottom: 12px; }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class UsersPage {
  protected readonly t = T;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  protected readonly users = signal<User[] | null>(null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly password = signal<string | null>(null);
  protected readonly customer = computed(() => this.session.owningCustomer());
  protected readonly roles = computed<Role[]>(() => ['viewer', 'operator', 'customer-admin']);
  protected form = { username: '', email: '', firstName: '', lastName: '', role: 'viewer' as Role };

  constructor() {
    effect(() => {
      this.customer();
      untracked(() => this.load());
    });
  }

  private base(): string {
    return `/api/masterdata/v1/customers/${encodeURIComponent(this.customer() ?? '')}/users`;
  }

  protected load(): void {
    if (!this.customer()) return;
    this.users.set(null);
    this.http.get<Page<User>>(this.base(), { params: params({ limit: 200 }) }).subscribe({
      next: p => { this.users.set(p.items); this.error.set(null); },
      error: (e: ApiError) => this.error.set(e),
    });
  }

  protected invite(): void {
    this.http.post<CreatedUser>(this.base(), { ...this.form, username: this.form.username.trim(), email: this.form.email.trim() }).subscribe({
      next: created => {
        this.notify.success(T.masterdata.invited);
        this.password.set(created.oneTimePassword ?? null);
        this.form = { username: '', email: '', firstName: '', lastName: '', role: 'viewer' };
        this.load();
      },
      error: e => this.notify.error(e, 'customer-admin'),
    });
  }

  protected changeRole(user: User, role: Role): void {
    this.http.put<User>(`${this.base()}/${encodeURIComponent(user.id)}/role`, { role }).subscribe({
      next: () => { this.notify.success(T.masterdata.changeRole); this.load(); },
      error: e => { this.notify.error(e, 'customer-admin'); this.load(); },
    });
  }

  protected toggle(user: User): void {
    this.http.post<User>(`${this.base()}/${encodeURIComponent(user.id)}/${user.enabled ? 'disable' : 'enable'}`, {}).subscribe({
      next: () => this.load(),
      error: e => this.notify.error(e, 'customer-admin'),
    });
  }
}
