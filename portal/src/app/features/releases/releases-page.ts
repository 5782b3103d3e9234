import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { catchError, forkJoin, of } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import { Application, Device, DeviceMove, ENVIRONMENTS, Environment, Page, Pin, Promotion, Release } from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { Confirm } from '../../shared/confirm-dialog';
import { AgoPipe, TimePipe, formatLabel } from '../../shared/format';
import { FourEyesDecision } from '../../shared/four-eyes-decision';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { TABLE_STYLES } from '../../shared/table-styles';
import { describePlan } from '../rollouts/plan';

const API = '/api/devices/v1';

/**
 * Releases through the environments: the pin of each environment, pinning TESTING, promotion
 * requests, the customer admins' approvals inbox (promotions and requests to move a device down out
 * of STAGING or PRODUCTION; four eyes: never one's own request), rollback, and the applications and
 * immutable releases they are made of.
 */
@Component({
  selector: 'app-releases-page',
  imports: [FormsModule, RouterLink, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatTooltipModule,
    LoadState, StatusChip, FourEyesDecision, TimePipe, AgoPipe],
  template: `
    <section class="page">
      <header class="page-header"><h1>{{ t.releases.title }}</h1></header>
      <app-load-state [loading]="loading() && !loaded()" [error]="error()" (retry)="load()" />
      @if (loaded()) {
        <section aria-labelledby="env-h" class="block">
          <h2 id="env-h">{{ t.releases.environments }}</h2>
          <div class="envs">
            @for (env of environments; track env) {
              <article class="card env" [attr.data-testid]="'env-card-' + env">
                <header><app-status [value]="env" /></header>
                @if (pin(env); as p) {
                  <p class="release" [attr.data-testid]="'pinned-' + env">{{ p.releaseName }}</p>
                  <p class="muted">{{ t.releases.revision }} {{ p.revision }} · {{ p.pinnedBy }} · <time [attr.datetime]="p.pinnedAt">{{ p.pinnedAt | ago }}</time></p>
                } @else {
                  <p class="release muted" [attr.data-testid]="'pinned-' + env">{{ t.releases.noPin }}</p>
                }
                @if (canOperate() && session.owningCustomer()) {
                  <a mat-button [routerLink]="['/rollouts/new']" [queryParams]="{ environment: env }" class="phased"
                     [attr.aria-label]="t.releases.phasedHint(label(env))" [matTooltip]="t.releases.phasedHint(label(env))"
                     [attr.data-testid]="'phased-' + env"><mat-icon svgIcon="linear_scale" aria-hidden="true" />{{ t.releases.phased }}</a>
                  @if (env === 'TESTING') {
                    <div class="inline">
                      <mat-form-field>
                        <mat-label>{{ t.releases.pinTesting }}</mat-label>
                        <mat-select [(value)]="toPin" data-testid="pin-select">
                          @for (r of releases(); track r.id) { <mat-option [value]="r.id">{{ r.name }}</mat-option> }
                        </mat-select>
                      </mat-form-field>
                      <button mat-flat-button type="button" [disabled]="!toPin" (click)="pinTesting()" data-testid="pin-testing">
                        <mat-icon svgIcon="push_pin" aria-hidden="true" />{{ t.releases.pin }}</button>
                    </div>
                  } @else {
                    <div class="inline">
                      <button mat-flat-button type="button" (click)="requestPromotion(env)" [attr.data-testid]="'promote-' + env"
                              [disabled]="!pin(source(env))" [matTooltip]="pin(source(env)) ? '' : t.releases.nothingToPromote(source(env))">
                        <mat-icon svgIcon="rocket_launch" aria-hidden="true" />{{ t.releases.promoteTo(env) }}</button>
                      @if (rollbackCandidates(env).length > 0) {
                        <mat-form-field class="rb">
                          <mat-label>{{ t.releases.rollback }}</mat-label>
                          <mat-select (valueChange)="requestRollback(env, $event)">
                            @for (r of rollbackCandidates(env); track r.id) { <mat-option [value]="r.id">{{ r.name }}</mat-option> }
                          </mat-select>
                        </mat-form-field>
                      }
                    </div>
                  }
                }
              </article>
            }
          </div>
        </section>

        <section aria-labelledby="appr-h" class="block card" id="approvals">
          <h2 id="appr-h">{{ t.releases.approvals }}</h2>
          @if (waiting().length === 0 && waitingMoves().length === 0) { <p class="muted">{{ t.releases.noApprovals }}</p> }
          <ul class="approvals">
            @for (p of waiting(); track p.id) {
              <li [attr.data-testid]="'approval-' + p.targetEnvironment">
                <div class="what">
                  <strong>{{ releaseName(p.releaseId) }}</strong> → <app-status [value]="p.targetEnvironment" />
                  @if (p.rollback) { <span class="chip warn">{{ t.releases.isRollback }}</span> }
                  @if (p.rollout) { <div class="plan" data-testid="approval-plan">{{ t.releases.phased }}: {{ plan(p) }}</div> }
                  <div class="muted">{{ t.releases.requestedBy }} {{ p.requestedBy }} · <time [attr.datetime]="p.requestedAt">{{ p.requestedAt | ago }}</time></div>
                </div>
                <app-four-eyes-decision [requestedBy]="p.requestedBy" [requestId]="p.id" [ownText]="t.releases.ownRequest"
                                        (decided)="decide(p, $event)" />
              </li>
            }
            @for (m of waitingMoves(); track m.id) {
              <li [attr.data-testid]="'move-' + m.deviceId">
                <div class="what">
                  <strong>{{ t.releases.moveOf }} <a [routerLink]="['/devices', m.deviceId]">{{ deviceName(m.deviceId) }}</a></strong>
                  <app-status [value]="m.fromEnvironment" /> → <app-status [value]="m.targetEnvironment" />
                  <div class="muted">{{ t.releases.requestedBy }} {{ m.requestedBy }} · <time [attr.datetime]="m.requestedAt">{{ m.requestedAt | ago }}</time></div>
                </div>
                <app-four-eyes-decision [requestedBy]="m.requestedBy" [requestId]="m.id" [ownText]="t.releases.ownMove"
                                        (decided)="decideMove(m, $event)" />
              </li>
            }
          </ul>
        </section>

        <div class="grid two">
          <section class="card" aria-labelledby="rel-h">
            <h2 id="rel-h">{{ t.releases.releases }}</h2>
            @if (releases().length === 0) { <p class="muted">{{ t.releases.noReleases }}</p> }
            <ul class="plain">
              @for (r of releases(); track r.id) {
                <li><strong>{{ r.name }}</strong> <span class="muted">{{ r.createdBy }} · {{ r.createdAt | ago }}</span>
                  <div class="mono muted">@for (c of r.containers; track $index) {{{ c.image }} }</div></li>
              }
            </ul>
            @if (canOperate() && session.owningCustomer() && applications().length > 0) {
              <form class="sub-form" (ngSubmit)="createRelease()">
                <h3>{{ t.releases.newRelease }}</h3>
                <mat-form-field><mat-label>{{ t.releases.releaseName }}</mat-label>
                  <input matInput name="rname" [(ngModel)]="newRelease.name" required maxlength="100" autocomplete="off" /></mat-form-field>
                @for (c of newRelease.containers; track $index; let i = $index) {
                  <div class="inline">
                    <mat-form-field><mat-label>{{ t.releases.application }}</mat-label>
                      <mat-select [name]="'app' + i" [(ngModel)]="c.applicationId" required>
                        @for (a of applications(); track a.id) { <mat-option [value]="a.id">{{ a.name }}</mat-option> }
                      </mat-select></mat-form-field>
                    <mat-form-field><mat-label>{{ t.releases.tag }}</mat-label>
                      <input matInput [name]="'tag' + i" [(ngModel)]="c.tag" required autocomplete="off" /></mat-form-field>
                  </div>
                }
                <div class="form-actions">
                  <button mat-button type="button" (click)="newRelease.containers.push({ applicationId: '', tag: '' })">{{ t.releases.addContainer }}</button>
                  <button mat-flat-button type="submit">{{ t.common.create }}</button>
                </div>
              </form>
            }
          </section>
          <section class="card" aria-labelledby="app-h">
            <h2 id="app-h">{{ t.releases.applications }}</h2>
            @if (applications().length === 0) { <p class="muted">{{ t.releases.noApplications }}</p> }
            <ul class="plain">
              @for (a of applications(); track a.id) {
                <li><strong>{{ a.name }}</strong> <span class="mono muted">{{ a.imageRepository }}</span></li>
              }
            </ul>
            @if (canOperate() && session.owningCustomer()) {
              <form class="sub-form" (ngSubmit)="createApplication()">
                <h3>{{ t.releases.newApplication }}</h3>
                <mat-form-field><mat-label>{{ t.common.name }}</mat-label>
                  <input matInput name="aname" [(ngModel)]="newApp.name" required pattern="[a-z0-9][a-z0-9-]*" autocomplete="off" /></mat-form-field>
                <mat-form-field><mat-label>{{ t.releases.imageRepository }}</mat-label>
                  <input matInput name="repo" [(ngModel)]="newApp.imageRepository" required autocomplete="off" placeholder="registry.example.com/team/app" /></mat-form-field>
                <mat-form-field><mat-label>{{ t.releases.ports }}</mat-label>
                  <input matInput name="ports" [(ngModel)]="newApp.ports" autocomplete="off" placeholder="8080:8080" />
                  <mat-hint>{{ t.releases.portsHint }}</mat-hint></mat-form-field>
                <div class="form-actions"><button mat-flat-button type="submit">{{ t.common.create }}</button></div>
              </form>
            }
          </section>
        </div>

        <section class="card block" aria-labelledby="hist-h">
          <h2 id="hist-h">{{ t.releases.history }}</h2>
          <div class="table-wrap" tabindex="0">
            <table>
              <thead><tr><th scope="col">{{ t.releases.target }}</th><th scope="col">{{ t.device.release }}</th><th scope="col">{{ t.common.status }}</th>
                <th scope="col">{{ t.releases.plan }}</th>
                <th scope="col">{{ t.releases.requestedBy }}</th><th scope="col">{{ t.releases.decidedBy }}</th></tr></thead>
              <tbody>
                @for (p of promotions(); track p.id) {
                  <tr><td><app-status [value]="p.targetEnvironment" /> @if (p.rollback) {<span class="chip warn">{{ t.releases.isRollback }}</span>}</td>
                    <td>{{ releaseName(p.releaseId) }}</td><td><app-status [value]="p.status" /></td>
                    <td [attr.data-testid]="'promotion-plan-' + p.id">@if (p.rollout) { {{ plan(p) }} } @else { <span class="muted">{{ t.releases.allAtOnce }}</span> }
                      @if (p.rolloutId) { <a [routerLink]="['/rollouts', p.rolloutId]" [attr.data-testid]="'promotion-rollout-' + p.id">{{ t.releases.openRollout }}</a> }</td>
                    <td>{{ p.requestedBy }} <span class="muted">{{ p.requestedAt | time }}</span></td>
                    <td>{{ p.decidedBy ?? '—' }} @if (p.reason) {<span class="muted">“{{ p.reason }}”</span>}</td></tr>
                } @empty { <tr><td colspan="6" class="muted">{{ t.state.empty }}</td></tr> }
              </tbody>
            </table>
          </div>
        </section>
      }
    </section>
  `,
  styles: [TABLE_STYLES, `
    .block { margin-bottom: 16px; }
    .block > h2 { margin-bottom: 12px; }
    .envs { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
    .env .release { font: var(--mat-sys-title-large); margin: 12px 0 4px; overflow-wrap: anywhere; }
    .inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
    .inline mat-form-field { flex: 1 1 160px; }
    .approvals { list-style: none; margin: 0; padding: 0; }
    .approvals li { display: flex; flex-wrap: wrap; gap: 12px; justify-content: space-between; align-items: center; padding: 12px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .plan { margin-top: 4px; }
    .phased { margin-top: 8px; }
    .grid.two { grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); margin-bottom: 16px; }
    .plain { list-style: none; padding: 0; margin: 0; } .plain li { padding: 6px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    .sub-form { margin-top: 16px; display: flex; flex-direction: column; gap: 4px; }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ReleasesPage {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  protected readonly session = inject(Session);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly confirm = inject(Confirm);

  protected readonly pins = signal<Pin[]>([]);
  protected readonly releases = signal<Release[]>([]);
  protected readonly applications = signal<Application[]>([]);
  protected readonly promotions = signal<Promotion[]>([]);
  protected readonly moves = signal<DeviceMove[]>([]);
  /** Names of the devices with an open move request (the request carries only the id). */
  private readonly deviceNames = signal<Record<string, string>>({});
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly canOperate = computed(() => this.session.has('operator'));
  protected readonly waiting = computed(() => this.promotions().filter(p => p.status === 'REQUESTED'));
  protected readonly waitingMoves = computed(() => this.moves().filter(m => m.status === 'REQUESTED'));
  protected toPin: string | null = null;
  protected newApp = { name: '', imageRepository: '', ports: '' };
  protected newRelease: { name: string; containers: { applicationId: string; tag: string }[] } = { name: '', containers: [{ applicationId: '', tag: '' }] };

  constructor() {
    effect(() => {
      this.session.customerScope();
      untracked(() => this.load());
    });
  }

  protected load(): void {
    const customerId = this.session.customerScope();
    this.loading.set(true);
    forkJoin({
      pins: this.http.get<Pin[]>(`${API}/environments`, { params: params({ customerId }) }),
      releases: this.http.get<Page<Release>>(`${API}/releases`, { params: params({ customerId, limit: 200 }) }),
      applications: this.http.get<Page<Application>>(`${API}/applications`, { params: params({ customerId, limit: 200 }) }),
      promotions: this.http.get<Page<Promotion>>(`${API}/promotions`, { params: params({ customerId, limit: 100 }) }),
      moves: this.http.get<Page<DeviceMove>>(`${API}/moves`, { params: params({ customerId, limit: 200 }) }),
    }).subscribe({
      next: r => {
        this.pins.set(r.pins);
        this.releases.set(r.releases.items);
        this.applications.set(r.applications.items);
        this.promotions.set(r.promotions.items);
        this.moves.set(r.moves.items);
        this.loadDeviceNames();
        this.loaded.set(true);
        this.loading.set(false);
        this.error.set(null);
      },
      error: (e: ApiError) => { this.error.set(e); this.loading.set(false); },
    });
  }

  private loadDeviceNames(): void {
    for (const id of new Set(this.waitingMoves().map(m => m.deviceId))) {
      if (this.deviceNames()[id]) continue;
      this.http.get<Device>(`${API}/devices/${encodeURIComponent(id)}`).pipe(catchError(() => of(null))).subscribe(d => {
        if (d) this.deviceNames.update(names => ({ ...names, [id]: d.name }));
      });
    }
  }

  protected deviceName(id: string): string {
    return this.deviceNames()[id] ?? id.substring(0, 8);
  }

  protected readonly label = formatLabel;

  /** A promotion's rollout plan in a few words (it starts as a phased rollout once approved). */
  protected plan(promotion: Promotion): string {
    return promotion.rollout ? describePlan(promotion.rollout) : '';
  }


  protected pin(env: Environment): Pin | null {
    return this.pins().find(p => p.environment === env && p.releaseId) ?? null;
  }

  protected source(env: Environment): Environment {
    return env === 'PRODUCTION' ? 'STAGING' : 'TESTING';
  }

  protected releaseName(id: string | null | undefined): string {
    return this.releases().find(r => r.id === id)?.name ?? (id ? id.substring(0, 8) : '—');
  }

  /** Releases once approved for this environment, other than the one pinned now. */
  protected rollbackCandidates(env: Environment): Release[] {
    const current = this.pin(env)?.releaseId;
    const ids = new Set(this.promotions().filter(p => p.targetEnvironment === env && p.status === 'APPROVED' && p.releaseId !== current).map(p => p.releaseId));
    return this.releases().filter(r => ids.has(r.id));
  }

  private customerBody(): { customerId?: string } {
    return this.session.platformAdmin() ? { customerId: this.session.owningCustomer() ?? undefined } : {};
  }

  protected pinTesting(): void {
    const releaseId = this.toPin;
    this.http.put<Pin>(`${API}/environments/TESTING/release`, { releaseId, ...this.customerBody() }).subscribe({
      next: p => { this.notify.success(T.releases.pinned_(p.releaseName ?? '')); this.toPin = null; this.load(); },
      error: e => this.notify.error(e, 'operator'),
    });
  }

  protected requestPromotion(target: Environment): void {
    this.http.post<Promotion>(`${API}/promotions`, { targetEnvironment: target, ...this.customerBody() }).subscribe({
      next: () => { this.notify.success(T.releases.requested); this.load(); },
      error: e => this.notify.error(e, 'operator'),
    });
  }

  protected requestRollback(target: Environment, releaseId: string): void {
    this.confirm.ask({ title: T.releases.rollbackTitle, message: T.releases.rollbackText(target) + ' ' + this.releaseName(releaseId), confirm: T.releases.rollback },
      () => this.http.post<Promotion>(`${API}/promotions`, { targetEnvironment: target, releaseId, ...this.customerBody() }).subscribe({
        next: () => { this.notify.success(T.releases.requested); this.load(); },
        error: e => this.notify.error(e, 'operator'),
      }));
  }

  protected decide(promotion: Promotion, approve: boolean): void {
    const send = (reason: string | null) => this.http.post<Promotion>(`${API}/promotions/${encodeURIComponent(promotion.id)}/${approve ? 'approve' : 'reject'}`,
      reason ? { reason } : {}).subscribe({
      next: () => { this.notify.success(approve ? T.releases.approved : T.releases.rejected); this.load(); },
      error: e => this.notify.error(e, 'customer-admin'),
    });
    this.sendDecision(approve, T.releases.rejectTitle, this.releaseName(promotion.releaseId) + ' → ' + promotion.targetEnvironment, send);
  }

  protected decideMove(move: DeviceMove, approve: boolean): void {
    const send = (reason: string | null) => this.http.post<DeviceMove>(`${API}/moves/${encodeURIComponent(move.id)}/${approve ? 'approve' : 'reject'}`,
      reason ? { reason } : {}).subscribe({
      next: () => { this.notify.success(approve ? T.releases.moveApproved : T.releases.moveRejected); this.load(); },
      error: e => { this.notify.error(e, 'customer-admin'); this.load(); },
    });
    this.sendDecision(approve, T.releases.rejectMoveTitle, `${this.deviceName(move.deviceId)}: ${move.fromEnvironment} → ${move.targetEnvironment}`,
      send);
  }

  /** An approval goes at once; a rejection first asks for an optional reason (nothing is sent when the dialog is cancelled). */
  private sendDecision(approve: boolean, title: string, message: string, send: (reason: string | null) => void): void {
    if (approve) {
      send(null);
      return;
    }
    this.confirm.ask({ title, message, confirm: T.releases.reject, reasonLabel: T.releases.rejectReason, danger: true }, send);
  }

  protected createApplication(): void {
    const ports = this.newApp.ports.split(',').map(s => s.trim()).filter(Boolean);
    this.http.post<Application>(`${API}/applications`, { name: this.newApp.name.trim(), imageRepository: this.newApp.imageRepository.trim(),
      ports: ports.length ? ports : undefined, ...this.customerBody() }).subscribe({
      next: () => { this.notify.success(T.releases.applicationCreated); this.newApp = { name: '', imageRepository: '', ports: '' }; this.load(); },
      error: e => this.notify.error(e, 'operator'),
    });
  }

  protected createRelease(): void {
    this.http.post<Release>(`${API}/releases`, { name: this.newRelease.name.trim(), containers: this.newRelease.containers
      .filter(c => c.applicationId).map(c => ({ applicationId: c.applicationId, tag: c.tag.trim() })), ...this.customerBody() }).subscribe({
      next: () => { this.notify.success(T.releases.releaseCreated); this.newRelease = { name: '', containers: [{ applicationId: '', tag: '' }] }; this.load(); },
      error: e => this.notify.error(e, 'operator'),
    });
  }
}
