import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatSelectModule } from '@angular/material/select';
import { RouterLink } from '@angular/router';
import { Observable, catchError, debounceTime, of } from 'rxjs';

import { ApiError } from '../../core/api/api-error';
import {
  AuditEntry, Certificate, Device, DeviceMove, DeviceStatus, ENVIRONMENTS, Environment, HeartbeatPoint, Machine, Pin, Promotion, Release,
  ReportedContainers, isDownward,
} from '../../core/api/models';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { LiveEvents } from '../../core/live/live-events';
import { Confirm, ConfirmData, WIDE_CONFIRM } from '../../shared/confirm-dialog';
import { AgoPipe, LabelPipe, TimePipe, formatBytes, formatDuration, formatLabel, percentOf } from '../../shared/format';
import { approvedReleases } from '../../shared/four-eyes';
import { LoadState } from '../../shared/load-state';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { TABLE_STYLES } from '../../shared/table-styles';
import { MACHINES } from '../masterdata/machines-api';
import { DevicesApi, Versioned } from './devices-api';
import { Gauge } from './gauge';
import { HeartbeatChart } from './heartbeat-chart';

/** Everything about one device, and what an operator may do with it. */
@Component({
  selector: 'app-device-detail',
  imports: [RouterLink, FormsModule, MatButtonModule, MatIconModule, MatFormFieldModule, MatSelectModule, LoadState, StatusChip,
    Gauge, HeartbeatChart, TimePipe, AgoPipe, LabelPipe],
  template: `
    <section class="page">
      <a routerLink="/devices" class="back"><mat-icon svgIcon="arrow_back" aria-hidden="true" />{{ t.nav.devices }}</a>
      <app-load-state [loading]="!device() && !error()" [error]="error()" (retry)="load()" />
      @if (device(); as d) {
        <header class="page-header">
          <div class="title">
            <h1 data-testid="device-name">{{ d.name }}</h1>
            <app-status [value]="d.connectivity" data-testid="device-connectivity" />
            <app-status [value]="d.lifecycle" />
            <app-status [value]="d.environment" data-testid="device-environment" />
          </div>
          @if (canOperate()) {
            <div class="actions">
              <button mat-flat-button type="button" class="danger" (click)="decommission()" data-testid="decommission">
                <mat-icon svgIcon="block" aria-hidden="true" />{{ t.device.decommission }}</button>
            </div>
          }
        </header>
        <p class="muted mono">{{ d.id }}</p>

        <div class="grid">
          <section class="card" aria-labelledby="st-h">
            <h2 id="st-h">{{ t.device.connectivity }}</h2>
            <dl class="facts">
              <dt>{{ t.device.connectivity }}</dt><dd><app-status [value]="d.connectivity" /> {{ d.connectivitySince | ago }}</dd>
              <dt>{{ t.device.lastHeartbeat }}</dt><dd data-testid="last-heartbeat"><time [attr.datetime]="status()?.lastSeen" [title]="status()?.lastSeen | time">{{ status()?.lastSeen | ago }}</time></dd>
              <dt>{{ t.device.uptime }}</dt><dd>{{ uptime() }}</dd>
              <dt>{{ t.device.agent }}</dt><dd>{{ d.agentVersion || status()?.agentVersion || '—' }}</dd>
              <dt>{{ t.device.os }}</dt><dd>{{ d.osVersion || status()?.osVersion || '—' }}</dd>
              <dt>{{ t.device.machine }}</dt><dd>{{ machine()?.name ?? (d.machineId ? d.machineId : t.device.none) }}</dd>
              <dt>{{ t.common.labels }}</dt><dd>@for (l of labels(); track l) {<span class="chip neutral">{{ l }}</span> } @empty {—}</dd>
            </dl>
          </section>
          <section class="card gauges" aria-labelledby="use-h">
            <h2 id="use-h">{{ t.device.live }}</h2>
            <div class="gauge-row">
              <app-gauge [label]="t.device.cpu" [value]="status() ? status()!.cpuLoad : null" />
              <app-gauge [label]="t.device.memory" [value]="usage('memory')" [detail]="usageText('memory')" />
              <app-gauge [label]="t.device.containerDisk" [value]="usage('containerDisk')" [detail]="usageText('containerDisk')" />
              <app-gauge [label]="t.device.systemDisk" [value]="usage('systemDisk')" [detail]="usageText('systemDisk')" />
            </div>
          </section>
        </div>

        <section class="card block" aria-labelledby="hist-h">
          <h2 id="hist-h">{{ t.device.history }}</h2>
          @if (history().length > 0) { <app-heartbeat-chart [points]="history()" /> } @else { <p class="muted">{{ t.device.noHistory }}</p> }
        </section>

        <div class="grid">
          <section class="card" aria-labelledby="rel-h">
            <h2 id="rel-h">{{ t.device.release }}</h2>
            <dl class="facts">
              <dt>{{ t.device.desired }}</dt><dd data-testid="desired-release">{{ releaseName(desiredRelease()) }}
                <span class="muted">({{ d.releaseOverride ? t.device.override : t.device.followsEnvironment }})</span></dd>
              <dt>{{ t.device.reported }}</dt><dd data-testid="reported-release">{{ containers()?.releaseId ? releaseName(containers()!.releaseId!) : t.device.notReported }}</dd>
            </dl>
            @if (pendingMove(); as m) {
              <p class="notice" data-testid="pending-move">
                <mat-icon svgIcon="schedule" aria-hidden="true" />
                <span>{{ t.device.pendingMove(label(m.targetEnvironment), m.requestedBy) }}
                  <a routerLink="/releases" fragment="approvals">{{ t.device.openApprovals }}</a></span>
              </p>
            }
            @if (canOperate()) {
              <div class="inline-form">
                <mat-form-field>
                  <mat-label>{{ t.device.changeEnvironment }}</mat-label>
                  <mat-select [value]="targetEnvironment()" (valueChange)="chooseEnvironment($event)" data-testid="environment-select">
                    @for (e of environments; track e) { <mat-option [value]="e">{{ e | label }}</mat-option> }
                  </mat-select>
                </mat-form-field>
                <button mat-stroked-button type="button" [disabled]="!targetEnvironment() || targetEnvironment() === d.environment" (click)="move()"
                        data-testid="move" [attr.aria-describedby]="moveNeedsApproval() ? 'move-hint' : null">
                  <mat-icon svgIcon="swap_horiz" aria-hidden="true" />{{ moveNeedsApproval() ? t.device.requestMove : t.device.move }}</button>
              </div>
              @if (moveNeedsApproval()) {
                <p class="hint" id="move-hint" data-testid="move-hint">{{ t.device.moveNeedsApproval(label(d.environment), label(targetEnvironment())) }}</p>
              }
              <div class="inline-form">
                <mat-form-field>
                  <mat-label>{{ t.device.chooseRelease }}</mat-label>
                  <mat-select [value]="overrideRelease()" (valueChange)="chooseOverride($event)" data-testid="override-select">
                    @for (r of releases(); track r.id) {
                      <mat-option [value]="r.id">{{ r.name }}@if (!approvedHere(r.id)) { <span class="muted"> ({{ t.device.notApprovedFor(label(d.environment)) }})</span> }</mat-option>
                    }
                  </mat-select>
                </mat-form-field>
                <button mat-stroked-button type="button" [disabled]="!overrideRelease()" (click)="setOverride(overrideRelease())" data-testid="set-override">
                  <mat-icon svgIcon="push_pin" aria-hidden="true" />{{ t.device.setOverride }}</button>
                @if (d.releaseOverride) {
                  <button mat-button type="button" (click)="setOverride(null)" data-testid="clear-override">{{ t.device.clearOverride }}</button>
                }
              </div>
            }
            @if (releaseError(); as message) {
              <p class="action-error" role="alert" data-testid="release-error">
                <mat-icon svgIcon="error" aria-hidden="true" /><span>{{ message }}</span></p>
            }
          </section>
          <section class="card" aria-labelledby="cert-h">
            <h2 id="cert-h">{{ t.device.certificate }}</h2>
            @if (d.certificateSerial) {
              <dl class="facts">
                <dt>{{ t.device.serial }}</dt><dd class="mono">{{ d.certificateSerial }}</dd>
                <dt>{{ t.device.notAfter }}</dt><dd><time [attr.datetime]="d.certificateNotAfter">{{ d.certificateNotAfter | time }}</time> ({{ d.certificateNotAfter | ago }})</dd>
              </dl>
              @if (certificates().length > 0) {
                <h3 class="sub-h">{{ t.device.renewals }}</h3>
                <ul class="certs">
                  @for (c of certificates(); track c.serial) {
                    <li><span class="mono">{{ c.serial }}</span> <app-status [value]="c.status" />
                      <span class="muted">{{ c.notBefore | time }} → {{ c.notAfter | time }}</span></li>
                  }
                </ul>
              }
            } @else {
              <p class="muted">{{ t.device.noCertificate }}</p>
            }
          </section>
        </div>

        <section class="card block" aria-labelledby="ct-h">
          <h2 id="ct-h">{{ t.device.containers }}</h2>
          @if ((containers()?.containers ?? []).length === 0) {
            <p class="muted">{{ t.device.noContainers }}</p>
          } @else {
            <p class="muted">{{ t.device.reportedAt }}: {{ containers()!.reportedAt | time }}</p>
            <div class="table-wrap" tabindex="0">
              <table>
                <thead><tr><th scope="col">{{ t.common.name }}</th><th scope="col">{{ t.device.state }}</th><th scope="col">{{ t.device.image }}</th><th scope="col">{{ t.device.message }}</th></tr></thead>
                <tbody>
                  @for (c of containers()!.containers; track c.name) {
                    <tr><td>{{ c.name }}</td><td><app-status [value]="c.state" [raw]="true" [attr.data-testid]="'container-' + c.name" /></td>
                      <td class="mono">{{ c.image }}</td><td>{{ c.message }}</td></tr>
                  }
                </tbody>
              </table>
            </div>
          }
        </section>

        <section class="card block" aria-labelledby="audit-h">
          <h2 id="audit-h">{{ t.device.audit }}</h2>
          @if (!canAudit()) {
            <p class="muted">{{ t.device.auditNeedsAdmin }}</p>
          } @else if (audit().length === 0) {
            <p class="muted">{{ t.device.noAudit }}</p>
          } @else {
            <ol class="audit">
              @for (a of audit(); track a.id) {
                <li><time [attr.datetime]="a.at">{{ a.at | time }}</time> <strong>{{ a.action | label }}</strong> <span class="muted">{{ a.actor }}</span></li>
              }
            </ol>
          }
        </section>
      }
    </section>
  `,
  styles: [TABLE_STYLES, `
    .back { display: inline-flex; align-items: center; gap: 4px; margin-bottom: 8px; text-decoration: none; }
    .title { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
    .grid { grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); margin-bottom: 16px; }
    .block { margin-bottom: 16px; }
    .gauge-row { display: flex; flex-wrap: wrap; gap: 16px; justify-content: space-around; }
    .inline-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 12px; }
    .inline-form mat-form-field { width: 200px; }
    .hint { margin: 4px 0 0; max-width: 60ch; color: var(--mat-sys-on-surface-variant); font: var(--mat-sys-body-small); }
    .notice, .action-error { display: flex; gap: 8px; align-items: flex-start; margin: 12px 0 0; padding: 8px 12px; border-radius: 8px; max-width: 60ch; }
    .notice { background: var(--mat-sys-secondary-container); color: var(--mat-sys-on-secondary-container); }
    .action-error { background: var(--mat-sys-error-container); color: var(--mat-sys-on-error-container); }
    .notice mat-icon, .action-error mat-icon { flex: none; }
    .notice a { color: inherit; }
    .danger { --mat-button-filled-container-color: var(--mat-sys-error); --mat-button-filled-label-text-color: var(--mat-sys-on-error); }
    .certs, .audit { margin: 0; padding-left: 18px; } .certs li, .audit li { margin: 6px 0; }
    .sub-h { margin: 16px 0 4px; }
    .chip { margin-right: 4px; }
  `],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeviceDetail {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  readonly id = input.required<string>();
  private readonly api = inject(DevicesApi);
  private readonly http = inject(HttpClient);
  private readonly session = inject(Session);
  private readonly confirm = inject(Confirm);
  private readonly notify = inject(Notifier);

  private readonly versioned = signal<Versioned<Device> | null>(null);
  protected readonly device = computed(() => this.versioned()?.body ?? null);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly status = signal<DeviceStatus | null>(null);
  protected readonly history = signal<HeartbeatPoint[]>([]);
  protected readonly containers = signal<ReportedContainers | null>(null);
  protected readonly pins = signal<Pin[]>([]);
  protected readonly releases = signal<Release[]>([]);
  protected readonly certificates = signal<Certificate[]>([]);
  protected readonly audit = signal<AuditEntry[]>([]);
  protected readonly machine = signal<Machine | null>(null);
  protected readonly promotions = signal<Promotion[]>([]);
  protected readonly moves = signal<DeviceMove[]>([]);
  protected readonly targetEnvironment = signal<Environment | null>(null);
  protected readonly overrideRelease = signal<string | null>(null);
  /** Why the last environment or release change was refused, next to the controls (not only a snackbar). */
  protected readonly releaseError = signal<string | null>(null);
  protected readonly label = formatLabel;

  protected readonly canOperate = computed(() => this.session.has('operator') && this.device()?.lifecycle !== 'DECOMMISSIONED');
  protected readonly canAudit = computed(() => this.session.has('customer-admin'));
  protected readonly labels = computed(() => Object.entries(this.device()?.labels ?? {}).map(([k, v]) => `${k}:${v}`));
  protected readonly uptime = computed(() => this.status() ? formatDuration(this.status()!.uptimeSeconds) : '—');
  /** Down out of STAGING or PRODUCTION: a request another customer admin approves, not a direct move. */
  protected readonly moveNeedsApproval = computed(() => {
    const d = this.device();
    const target = this.targetEnvironment();
    return !!d && !!target && isDownward(d.environment, target);
  });
  protected readonly pendingMove = computed(() => this.moves().find(m => m.deviceId === this.id() && m.status === 'REQUESTED') ?? null);
  private readonly approved = computed(() => {
    const d = this.device();
    return d ? approvedReleases(d.environment, this.pins(), this.promotions()) : null;
  });
  protected readonly desiredRelease = computed(() => {
    const d = this.device();
    if (!d) return null;
    return d.releaseOverride ?? this.pins().find(p => p.environment === d.environment)?.releaseId ?? null;
  });

  constructor() {
    const destroy = inject(DestroyRef);
    effect(() => {
      this.id();
      untracked(() => this.load());
    });
    inject(LiveEvents).on('device.online', 'device.offline', 'alert.opened', 'alert.resolved')
      .pipe(debounceTime(300), takeUntilDestroyed(destroy))
      .subscribe(event => {
        if (event.data?.deviceId === this.id()) {
          this.load();
        }
      });
  }

  protected load(): void {
    const id = this.id();
    this.api.get(id).subscribe({
      next: v => {
        this.versioned.set(v);
        this.error.set(null);
        this.targetEnvironment.set(v.body.environment);
        this.loadRelated(v.body);
      },
      error: (e: ApiError) => this.error.set(e),
    });
  }

  private loadRelated(d: Device): void {
    const customer = this.session.platformAdmin() ? d.customerId : null;
    quiet(this.api.status(d.id), null).subscribe(s => this.status.set(s));
    quiet(this.api.heartbeats(d.id), []).subscribe(h => this.history.set(h));
    quiet(this.api.containers(d.id), null).subscribe(c => this.containers.set(c));
    quiet(this.api.pins(customer), []).subscribe(p => this.pins.set(p));
    quiet(this.api.releases(customer), { items: [] }).subscribe(r => this.releases.set(r.items));
    quiet(this.api.certificates(d.id), []).subscribe(c => this.certificates.set(c));
    quiet(this.api.promotions(customer), { items: [] }).subscribe(p => this.promotions.set(p.items));
    quiet(this.api.moves(customer), { items: [] }).subscribe(m => this.moves.set(m.items));
    if (this.canAudit()) {
      quiet(this.api.audit(customer, d.id), { items: [] }).subscribe(a => this.audit.set(a.items));
    }
    if (d.machineId) {
      quiet(this.http.get<Machine>(`${MACHINES}/${encodeURIComponent(d.machineId)}`), null).subscribe(m => this.machine.set(m));
    }
  }

  protected usage(key: 'memory' | 'containerDisk' | 'systemDisk'): number | null {
    const u = this.status()?.[key];
    return u ? percentOf(u.usedBytes, u.totalBytes) : null;
  }

  protected usageText(key: 'memory' | 'containerDisk' | 'systemDisk'): string | null {
    const u = this.status()?.[key];
    return u ? `${formatBytes(u.usedBytes)} / ${formatBytes(u.totalBytes)}` : null;
  }

  protected releaseName(id: string | null): string {
    if (!id) return T.device.none;
    return this.releases().find(r => r.id === id)?.name ?? id.substring(0, 8);
  }

  protected chooseEnvironment(environment: Environment): void {
    this.targetEnvironment.set(environment);
    this.releaseError.set(null);
  }

  protected chooseOverride(releaseId: string): void {
    this.overrideRelease.set(releaseId);
    this.releaseError.set(null);
  }

  /** @returns whether an override to this release is allowed where the device is (as far as the page knows; the API decides) */
  protected approvedHere(releaseId: string): boolean {
    const approved = this.approved();
    return approved === null || approved.has(releaseId);
  }

  /** Up (or across): changes the device at once. Down: requests the move for a second person to approve. */
  protected move(): void {
    const v = this.versioned();
    const env = this.targetEnvironment();
    if (!v || !env) return;
    this.releaseError.set(null);
    if (isDownward(v.body.environment, env)) {
      this.api.requestMove(v.body.id, v.etag, env).subscribe({
        next: move => { this.moves.update(list => [move, ...list]); this.notify.success(T.device.moveRequested(formatLabel(env))); },
        error: e => this.refused(e, env),
      });
      return;
    }
    this.api.move(v.body.id, v.etag, env).subscribe({
      next: moved => { this.versioned.set(moved); this.notify.success(T.device.moved(formatLabel(env))); this.loadRelated(moved.body); },
      error: e => this.refused(e, env),
    });
  }

  protected setOverride(releaseId: string | null): void {
    const v = this.versioned();
    if (!v) return;
    this.releaseError.set(null);
    this.api.overrideRelease(v.body.id, v.etag, releaseId).subscribe({
      next: changed => {
        this.versioned.set(changed);
        this.overrideRelease.set(null);
        this.notify.success(releaseId ? T.device.overrideSet : T.device.overrideCleared);
      },
      error: e => this.refused(e, v.body.environment, releaseId),
    });
  }

  /**
   * The four-eyes refusals are explained next to the controls; anything else goes to the snackbar.
   * RELEASE_NOT_APPROVED names the release: the override's own, or the one being pinned.
   */
  private refused(error: unknown, environment: Environment, releaseId: string | null = null): void {
    const e = ApiError.of(error);
    const d = this.device();
    if (e.code === 'RELEASE_NOT_APPROVED') {
      this.releaseError.set(T.device.releaseNotApproved(this.releaseName(releaseId ?? d?.releaseOverride ?? null), formatLabel(environment)));
    } else if (e.code === 'MOVE_APPROVAL_REQUIRED' && d) {
      this.releaseError.set(T.device.moveApprovalRequired(formatLabel(d.environment)));
    } else {
      this.notify.error(e, 'operator');
    }
  }

  protected decommission(): void {
    const v = this.versioned();
    if (!v) return;
    const data: ConfirmData = { title: T.device.decommissionTitle, message: T.device.decommissionText, confirm: T.device.decommission,
      typeToConfirm: v.body.name, danger: true };
    this.confirm.ask(data, () => this.api.decommission(v.body.id, v.etag).subscribe({
      next: done => { this.versioned.set(done); this.notify.success(T.device.decommissioned); },
      error: e => this.notify.error(e, 'operator'),
    }), WIDE_CONFIRM);
  }
}

/** Parts of the page that may be missing (no heartbeat yet, a role too low for the audit) must not break it. */
function quiet<T>(source: Observable<T>, fallback: T): Observable<T> {
  return source.pipe(catchError(() => of(fallback)));
}
