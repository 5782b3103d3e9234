import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatTabsModule } from '@angular/material/tabs';
import { RouterLink } from '@angular/router';
import { debounceTime } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import { ALERT_TYPES, Alert, AlertRule, AlertRules, Channel, Page } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { LiveEvents } from '../../core/live/live-events';
import { Confirm } from '../../shared/confirm-dialog';
import { CopyButton } from '../../shared/copy-button';
import { AgoPipe, LabelPipe, TimePipe } from '../../shared/format';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { CursorList } from '../../shared/keyset-pages';
import { StatusChip } from '../../shared/status-chip';

const MON = '/api/monitoring/v1';

/** Alerts (live), their history and acknowledgement; the customer's rules; notification channels. */
@Component({
  selector: 'app-alerts-page',
  imports: [FormsModule, RouterLink, MatTabsModule, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule,
    MatSlideToggleModule, LoadState, StatusChip, CopyButton, TimePipe, AgoPipe, LabelPipe],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.alerts.title }}</h1></header>
      <mat-tab-group mat-stretch-tabs="false" animationDuration="0ms">
        <mat-tab [label]="t.alerts.tabAlerts">
          <div class="tab">
            <div class="filters card">
              <mat-form-field>
                <mat-label>{{ t.alerts.state }}</mat-label>
                <mat-select [value]="state()" (valueChange)="state.set($event); alerts.reload()">
                  <mat-option value="OPEN">{{ t.alerts.open }}</mat-option>
                  <mat-option value="RESOLVED">{{ t.alerts.resolved }}</mat-option>
                  <mat-option value="">{{ t.alerts.anyState }}</mat-option>
                </mat-select>
              </mat-form-field>
              <mat-form-field class="wide">
                <mat-label>{{ t.common.type }}</mat-label>
                <mat-select [value]="type()" (valueChange)="type.set($event); alerts.reload()">
                  <mat-option value="">{{ t.alerts.allTypes }}</mat-option>
                  @for (a of types; track a) { <mat-option [value]="a">{{ a | label }}</mat-option> }
                </mat-select>
              </mat-form-field>
            </div>
            <app-load-state [loading]="alerts.loading() && alerts.items().length === 0" [error]="alerts.error()" (retry)="alerts.reload()"
                            [empty]="!alerts.loading() && !alerts.error() && alerts.items().length === 0" [emptyText]="t.alerts.empty" />
            <ul class="alerts">
              @for (a of alerts.items(); track a.id) {
                <li class="card" [attr.data-testid]="'alert-' + a.type">
                  <div class="head">
                    <app-status [value]="a.state" /> <strong>{{ a.type | label }}</strong>
                    <span class="muted"><time [attr.datetime]="a.openedAt" [title]="a.openedAt | time">{{ a.openedAt | ago }}</time></span>
                  </div>
                  <p class="detail">{{ a.detail || a.subject }}</p>
                  <div class="foot">
                    @if (a.deviceId) { <a [routerLink]="['/devices', a.deviceId]">{{ t.alerts.device }}</a> }
                    @if (a.rolloutId) { <a [routerLink]="['/rollouts', a.rolloutId]" data-testid="alert-rollout">{{ t.alerts.rollout }}</a> }
                    @if (a.acknowledgedAt) {
                      <span class="chip info" data-testid="acknowledged">{{ t.alerts.acknowledged }} {{ t.alerts.acknowledgedBy(a.acknowledgedBy ?? '') }}</span>
                    } @else if (a.state === 'OPEN' && canAck()) {
                      <button mat-stroked-button type="button" (click)="acknowledge(a)" data-testid="acknowledge">
                        <mat-icon svgIcon="done_all" aria-hidden="true" />{{ t.alerts.acknowledge }}</button>
                    }
                    @if (a.resolvedAt) { <span class="muted">{{ t.alerts.resolved }} {{ a.resolvedAt | time }} · {{ a.resolution }}</span> }
                  </div>
                </li>
              }
            </ul>
            @if (alerts.next()) { <div class="more"><button mat-stroked-button type="button" (click)="alerts.more()">{{ t.common.loadMore }}</button></div> }
          </div>
        </mat-tab>

        <mat-tab [label]="t.alerts.tabRules">
          <div class="tab">
            @if (!scope()) {
              <p class="muted">{{ t.alerts.chooseCustomer }}</p>
            } @else {
              <app-load-state [loading]="!rules() && !rulesError()" [error]="rulesError()" (retry)="loadRules()" />
              @if (rules(); as r) {
                <form class="card rules" (ngSubmit)="saveRules()">
                  @for (rule of r.rules; track rule.type) {
                    <div class="rule">
                      <mat-slide-toggle [(ngModel)]="rule.enabled" [name]="'en-' + rule.type" [disabled]="!canEditRules()">{{ rule.type | label }}</mat-slide-toggle>
                      @if (rule.unit) {
                        <mat-form-field class="threshold">
                          <mat-label>{{ t.alerts.threshold }} ({{ t.alerts.units[rule.unit] ?? rule.unit }})</mat-label>
                          <input matInput type="number" [(ngModel)]="rule.threshold" [name]="'th-' + rule.type" [disabled]="!canEditRules()" min="0" />
                        </mat-form-field>
                      }
                      @if (rule.customized) { <span class="chip info">{{ t.alerts.customized }}</span> } @else { <span class="muted">{{ t.alerts.default }}</span> }
                    </div>
                  }
                  @if (canEditRules()) { <div class="form-actions"><button mat-flat-button type="submit">{{ t.common.save }}</button></div> }
                </form>
              }
            }
          </div>
        </mat-tab>

        @if (canEditRules()) {
          <mat-tab [label]="t.alerts.tabChannels">
            <div class="tab">
              @if (secret(); as s) {
                <div class="card secret" role="region" [attr.aria-label]="t.alerts.secretOnce">
                  <p>{{ t.alerts.secretOnce }}</p>
                  <code class="mono">{{ s }}</code> <app-copy-button [value]="s" />
                  <button mat-button type="button" (click)="secret.set(null)">{{ t.common.close }}</button>
                </div>
              }
              @if (!scope()) {
                <p class="muted">{{ t.alerts.chooseCustomer }}</p>
              } @else {
                <ul class="plain">
                  @for (c of channels(); track c.id) {
                    <li class="card">
                      <div><strong>{{ c.name }}</strong> <span class="chip neutral">{{ c.type }}</span></div>
                      <div class="mono muted">{{ c.type === 'EMAIL' ? c.emails?.join(', ') : c.url }}</div>
                      <div class="row">
                        <button mat-stroked-button type="button" (click)="testChannel(c)"><mat-icon svgIcon="send" aria-hidden="true" />{{ t.alerts.sendTest }}</button>
                        <button mat-button type="button" (click)="deleteChannel(c)"><mat-icon svgIcon="delete" aria-hidden="true" />{{ t.common.delete }}</button>
                      </div>
                    </li>
                  } @empty { <li class="muted">{{ t.alerts.noChannels }}</li> }
                </ul>
                <form class="card sub-form" (ngSubmit)="createChannel()">
                  <h2>{{ t.alerts.newChannel }}</h2>
                  <div class="form-grid">
                    <mat-form-field><mat-label>{{ t.common.name }}</mat-label><input matInput name="cname" [(ngModel)]="channel.name" required maxlength="100" /></mat-form-field>
                    <mat-form-field><mat-label>{{ t.common.type }}</mat-label>
                      <mat-select name="ctype" [(ngModel)]="channel.type"><mat-option value="EMAIL">E-mail</mat-option><mat-option value="WEBHOOK">Webhook</mat-option></mat-select></mat-form-field>
                    @if (channel.type === 'EMAIL') {
                      <mat-form-field><mat-label>{{ t.alerts.emails }}</mat-label><input matInput name="cemails" [(ngModel)]="channel.emails" required />
                        <mat-hint>{{ t.alerts.emailsHint }}</mat-hint></mat-form-field>
                    } @else {
                      <mat-form-field><mat-label>{{ t.alerts.url }}</mat-label><input matInput name="curl" type="url" [(ngModel)]="channel.url" required /></mat-form-field>
                    }
                  </div>
                  <div class="form-actions"><button mat-flat-button type="submit">{{ t.common.create }}</button></div>
                </form>
              }
            </div>
          </mat-tab>
        }
      </mat-tab-group>
    </section>
  `,
  styles: `
    .tab { padding: 16px 0; display: flex; flex-direction: column; gap: 12px; }
    .alerts, .plain { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 8px; }
    .head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .detail { margin: 8px 0; overflow-wrap: anywhere; }
    .foot, .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }
    .more { display: flex; justify-content: center; }
    .rules { display: flex; flex-direction: column; gap: 8px; }
    .rule { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; padding: 8px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .rule mat-slide-toggle { min-width: 240px; }
    .threshold { width: 200px; }
    .secret { background: var(--mat-sys-primary-container); }
    .secret code { display: inline-block; margin: 8px 8px 8px 0; }
    .sub-form h2 { margin-bottom: 12px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertsPage {
  protected readonly t = T;
  protected readonly types = ALERT_TYPES;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly confirm = inject(Confirm);

  protected readonly state = signal('OPEN');
  protected readonly type = signal('');
  protected readonly alerts = new CursorList<Alert>(cursor =>
    this.http.get<Page<Alert>>(`${MON}/alerts`, { params: params({ customerId: this.session.customerScope(), state: this.state(), type: this.type(), cursor, limit: 50 }) }), true);
  protected readonly rules = signal<AlertRules | null>(null);
  protected readonly rulesError = signal<ApiError | null>(null);
  protected readonly channels = signal<Channel[]>([]);
  protected readonly secret = signal<string | null>(null);
  protected readonly canAck = computed(() => this.session.has('operator'));
  protected readonly canEditRules = computed(() => this.session.has('customer-admin'));
  /** Rules and channels belong to one customer: one's own, or the platform admin's choice. */
  protected readonly scope = computed(() => this.session.owningCustomer());
  protected channel = { name: '', type: 'EMAIL' as 'EMAIL' | 'WEBHOOK', emails: '', url: '' };

  constructor() {
    effect(() => {
      this.session.customerScope();
      untracked(() => {
        this.alerts.reload();
        this.loadRules();
        this.loadChannels();
      });
    });
    inject(LiveEvents).on('alert.opened', 'alert.resolved').pipe(debounceTime(300), takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => this.alerts.reload());
  }

  protected acknowledge(alert: Alert): void {
    this.http.post<Alert>(`${MON}/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {}).subscribe({
      next: acked => { this.alerts.items.update(list => list.map(a => a.id === acked.id ? acked : a)); this.notify.success(T.alerts.ackDone); },
      error: e => this.notify.error(e, 'operator'),
    });
  }

  protected loadRules(): void {
    this.rules.set(null);
    this.rulesError.set(null);
    if (!this.scope()) return;
    this.http.get<AlertRules>(`${MON}/alert-rules`, { params: params({ customerId: this.session.customerScope() }) })
      .subscribe({ next: r => this.rules.set(structuredClone(r)), error: (e: ApiError) => this.rulesError.set(e) });
  }

  protected saveRules(): void {
    const rules = (this.rules()?.rules ?? []).map((r: AlertRule) => ({ type: r.type, enabled: r.enabled, threshold: r.unit ? r.threshold : undefined }));
    this.http.put<AlertRules>(`${MON}/alert-rules`, { rules }, { params: params({ customerId: this.session.customerScope() }) }).subscribe({
      next: r => { this.rules.set(structuredClone(r)); this.notify.success(T.alerts.rulesSaved); },
      error: e => this.notify.error(e, 'customer-admin'),
    });
  }

  private loadChannels(): void {
    if (!this.session.has('customer-admin') || !this.scope()) {
      this.channels.set([]);
      return;
    }
    this.http.get<Page<Channel>>(`${MON}/notification-channels`, { params: params({ customerId: this.session.customerScope(), limit: 100 }) })
      .subscribe({ next: p => this.channels.set(p.items), error: () => this.channels.set([]) });
  }

  protected createChannel(): void {
    const c = this.channel;
    const body = c.type === 'EMAIL'
      ? { name: c.name.trim(), type: c.type, emails: c.emails.split(',').map(s => s.trim()).filter(Boolean) }
      : { name: c.name.trim(), type: c.type, url: c.url.trim() };
    const customer = this.session.platformAdmin() ? { customerId: this.scope() } : {};
    this.http.post<Channel>(`${MON}/notification-channels`, { ...body, ...customer }).subscribe({
      next: created => {
        this.notify.success(T.alerts.channelCreated);
        this.secret.set(created.secret ?? null);
        this.channel = { name: '', type: 'EMAIL', emails: '', url: '' };
        this.loadChannels();
      },
      error: e => this.notify.error(e, 'customer-admin'),
    });
  }

  protected testChannel(channel: Channel): void {
    this.http.post<void>(`${MON}/notification-channels/${encodeURIComponent(channel.id)}/test`, {}).subscribe({
      next: () => this.notify.success(T.alerts.testSent),
      error: e => this.notify.error(e, 'customer-admin'),
    });
  }

  protected deleteChannel(channel: Channel): void {
    this.confirm.ask({ title: T.alerts.deleteTitle, message: `${channel.name}: ${T.alerts.deleteText}`, confirm: T.common.delete, danger: true },
      () => {
        this.http.delete(`${MON}/notification-channels/${encodeURIComponent(channel.id)}`).subscribe({
          next: () => { this.notify.success(T.alerts.channelDeleted); this.loadChannels(); },
          error: e => this.notify.error(e, 'customer-admin'),
        });
      });
  }
}
