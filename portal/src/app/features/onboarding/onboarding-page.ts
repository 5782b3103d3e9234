import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import qrcode from 'qrcode-generator';

import { ApiError } from '../../core/api/api-error';
import { ENVIRONMENTS, Environment, Machine, OnboardingToken, Page } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { Confirm } from '../../shared/confirm-dialog';
import { CopyButton } from '../../shared/copy-button';
import { AgoPipe, LabelPipe, TimePipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { CursorList } from '../../shared/keyset-pages';
import { StatusChip } from '../../shared/status-chip';
import { TABLE_STYLES } from '../../shared/table-styles';
import { machineChoices } from '../masterdata/machines-api';

const TOKENS = '/api/onboarding/v1/tokens';

/** Onboarding tokens: create one (shown once, with a QR code for the device's configuration UI), list, revoke. */
@Component({
  selector: 'app-onboarding-page',
  imports: [FormsModule, RouterLink, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule, LoadState,
    StatusChip, CopyButton, TimePipe, AgoPipe, LabelPipe],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.onboarding.title }}</h1></header>

      @if (created(); as c) {
        <section class="card created" aria-labelledby="created-h" role="region" data-testid="created-token">
          <h2 id="created-h">{{ t.onboarding.created }}</h2>
          <p>{{ t.onboarding.showOnce }}</p>
          <div class="secret">
            <img [src]="qr()" [alt]="t.onboarding.qr" width="180" height="180" />
            <div class="secret-text">
              <label class="muted" for="token-value">{{ t.onboarding.token }}</label>
              <code id="token-value" class="mono" data-testid="token-value">{{ c.token }}</code>
              <div class="row">
                <app-copy-button [value]="c.token!" [label]="t.common.copy + ' ' + t.onboarding.token" />
                <a mat-button [routerLink]="['/devices', c.deviceId]">{{ t.onboarding.device }}: {{ c.deviceName }}</a>
                <button mat-button type="button" (click)="created.set(null)">{{ t.onboarding.done }}</button>
              </div>
            </div>
          </div>
        </section>
      }

      @if (canCreate()) {
        <section class="card block" aria-labelledby="new-h">
          <h2 id="new-h">{{ t.onboarding.create }}</h2>
          @if (!session.owningCustomer()) {
            <p class="muted">{{ t.common.chooseCustomer }}</p>
          } @else {
            <form (ngSubmit)="create()" #f="ngForm" class="form-grid">
              <mat-form-field>
                <mat-label>{{ t.onboarding.deviceName }}</mat-label>
                <input matInput name="deviceName" [(ngModel)]="form.deviceName" maxlength="200" autocomplete="off" data-testid="token-device-name" />
                @if (fieldError('deviceName')) { <mat-error>{{ fieldError('deviceName') }}</mat-error> }
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ t.common.environment }}</mat-label>
                <mat-select name="environment" [(ngModel)]="form.environment">
                  @for (e of environments; track e) { <mat-option [value]="e">{{ e | label }}</mat-option> }
                </mat-select>
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ t.onboarding.machine }}</mat-label>
                <mat-select name="machineId" [(ngModel)]="form.machineId">
                  <mat-option [value]="null">{{ t.common.none }}</mat-option>
                  @for (m of machines(); track m.id) { <mat-option [value]="m.id">{{ m.name }} ({{ m.serialNumber }})</mat-option> }
                </mat-select>
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ t.onboarding.lifetime }}</mat-label>
                <input matInput name="lifetime" [(ngModel)]="form.lifetime" autocomplete="off" />
                <mat-hint>{{ t.onboarding.lifetimeHint }}</mat-hint>
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ t.common.labels }}</mat-label>
                <input matInput name="labels" [(ngModel)]="form.labels" autocomplete="off" placeholder="site:plant-1, line:3" />
                <mat-hint>{{ t.common.labelsHint }}</mat-hint>
              </mat-form-field>
              <div class="form-actions">
                <button mat-flat-button type="submit" [disabled]="busy()" data-testid="create-token">
                  <mat-icon svgIcon="add" aria-hidden="true" />{{ t.onboarding.create }}</button>
              </div>
            </form>
            @if (formError()) { <p class="error" role="alert">{{ formError() }}</p> }
          }
        </section>
      }

      <section class="block" aria-labelledby="list-h">
        <h2 id="list-h" class="sr-only">{{ t.onboarding.title }}</h2>
        <app-load-state [loading]="tokens.loading() && tokens.items().length === 0" [error]="tokens.error()" (retry)="tokens.reload()"
                        [empty]="!tokens.loading() && !tokens.error() && tokens.items().length === 0" [emptyText]="t.onboarding.empty" />
        @if (tokens.items().length > 0) {
          <div class="table-wrap" tabindex="0">
            <table>
              <thead><tr><th scope="col">{{ t.onboarding.device }}</th><th scope="col">{{ t.common.status }}</th>
                <th scope="col">{{ t.common.environment }}</th><th scope="col">{{ t.onboarding.expires }}</th>
                <th scope="col">{{ t.common.createdBy }}</th><th scope="col"><span class="sr-only">{{ t.common.actions }}</span></th></tr></thead>
              <tbody>
                @for (tk of tokens.items(); track tk.id) {
                  <tr [attr.data-testid]="'token-row-' + tk.deviceName">
                    <td><a [routerLink]="['/devices', tk.deviceId]">{{ tk.deviceName }}</a></td>
                    <td><app-status [value]="tk.status" /></td>
                    <td>{{ tk.environment ? (tk.environment | label) : '—' }}</td>
                    <td><time [attr.datetime]="tk.expiresAt" [title]="tk.expiresAt | time">{{ tk.expiresAt | ago }}</time></td>
                    <td>{{ tk.createdBy }} <span class="muted">{{ tk.createdAt | ago }}</span></td>
                    <td class="end">
                      @if (canCreate() && tk.status === 'ACTIVE') {
                        <button mat-button type="button" (click)="revoke(tk)">{{ t.onboarding.revoke }}</button>
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
          @if (tokens.next()) { <div class="more"><button mat-stroked-button type="button" (click)="tokens.more()">{{ t.common.loadMore }}</button></div> }
        }
      </section>
    </section>
  `,
  styles: [TABLE_STYLES, `
    .block { margin-bottom: 16px; }
    .created { margin-bottom: 16px; border-color: var(--mat-sys-primary); background: var(--mat-sys-primary-container); color: var(--mat-sys-on-primary-container); }
    .secret { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; }
    .secret img { background: white; padding: 8px; border-radius: 8px; image-rendering: pixelated; }
    .secret-text { display: flex; flex-direction: column; gap: 8px; min-width: 0; flex: 1 1 280px; }
    code { background: var(--mat-sys-surface); color: var(--mat-sys-on-surface); padding: 8px; border-radius: 6px; }
    .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .more { display: flex; justify-content: center; margin-top: 12px; }
    .error { color: var(--mat-sys-error); }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OnboardingPage {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly confirm = inject(Confirm);

  protected readonly tokens = new CursorList<OnboardingToken>(cursor =>
    this.http.get<Page<OnboardingToken>>(TOKENS, { params: params({ customerId: this.session.customerScope(), cursor, limit: 50 }) }));
  protected readonly machines = signal<Machine[]>([]);
  protected readonly created = signal<OnboardingToken | null>(null);
  protected readonly busy = signal(false);
  protected readonly formApiError = signal<ApiError | null>(null);
  protected readonly canCreate = computed(() => this.session.has('operator'));
  protected form: { deviceName: string; environment: Environment; machineId: string | null; lifetime: string; labels: string } =
    { deviceName: '', environment: 'TESTING', machineId: null, lifetime: 'PT24H', labels: '' };

  /** The QR code carries the token only; the device's configuration UI knows its E3 address. */
  protected readonly qr = computed(() => {
    const token = this.created()?.token;
    if (!token) return '';
    const code = qrcode(0, 'M');
    code.addData(token);
    code.make();
    return code.createDataURL(6, 2);
  });

  constructor() {
    effect(() => {
      const scope = this.session.customerScope();
      untracked(() => {
        this.tokens.reload();
        machineChoices(this.http, scope).subscribe(machines => this.machines.set(machines));
      });
    });
  }

  protected formError(): string | null {
    const e = this.formApiError();
    return e && !e.fieldErrors.length ? `${e.title}: ${e.detail}` : null;
  }

  protected fieldError(name: string): string | null {
    return this.formApiError()?.field(name) ?? null;
  }

  protected create(): void {
    const labels: Record<string, string> = {};
    for (const pair of this.form.labels.split(',').map(s => s.trim()).filter(Boolean)) {
      const at = pair.indexOf(':');
      labels[at > 0 ? pair.substring(0, at).trim() : pair] = at > 0 ? pair.substring(at + 1).trim() : '';
    }
    const body = {
      customerId: this.session.platformAdmin() ? this.session.owningCustomer() : undefined,
      deviceName: this.form.deviceName.trim() || undefined, environment: this.form.environment,
      machineId: this.form.machineId ?? undefined, lifetime: this.form.lifetime.trim() || undefined,
      labels: Object.keys(labels).length ? labels : undefined,
    };
    this.busy.set(true);
    this.formApiError.set(null);
    this.http.post<OnboardingToken>(TOKENS, body).subscribe({
      next: token => {
        this.busy.set(false);
        this.created.set(token);
        this.form = { ...this.form, deviceName: '', labels: '' };
        this.tokens.reload();
      },
      error: (e: ApiError) => { this.busy.set(false); this.formApiError.set(e); this.notify.error(e, 'operator'); },
    });
  }

  protected revoke(token: OnboardingToken): void {
    this.confirm.ask({ title: T.onboarding.revokeTitle, message: T.onboarding.revokeText, confirm: T.onboarding.revoke, danger: true },
      () => {
        this.http.post<OnboardingToken>(`${TOKENS}/${encodeURIComponent(token.id)}/revoke`, {}).subscribe({
          next: revoked => { this.tokens.items.update(list => list.map(t => t.id === revoked.id ? revoked : t)); this.notify.success(T.onboarding.revoked); },
          error: e => this.notify.error(e, 'operator'),
        });
      });
  }
}
