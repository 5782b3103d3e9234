import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { Router, RouterLink } from '@angular/router';

import { ApiError } from '../../core/api/api-error';
import {
  ENVIRONMENTS, Environment, Machine, Page, Pin, Release, RolloutAdvance, RolloutPreview, RolloutRequest,
} from '../../core/api/models';
import { params } from '../../core/api/params';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { LabelPipe, formatLabel } from '../../shared/format';
import { Notifier } from '../../shared/notifier';
import { StatusChip } from '../../shared/status-chip';
import { machineChoices } from '../masterdata/machines-api';
import { GroupsEditor } from './groups-editor';
import { DEFAULTS, GroupDraft, PlanDraft, defaultsErrors, emptyGroup, numberOrNull, parseLabel, planValid, toPlan } from './plan';
import { RolloutsApi } from './rollouts-api';

const API = '/api/devices/v1';

/** The environment a promotion into STAGING/PRODUCTION takes its release from (its pin), as on the Releases page. */
export function sourceOf(environment: Environment): Environment {
  return environment === 'PRODUCTION' ? 'STAGING' : 'TESTING';
}

/**
 * Plans a phased rollout: release and environment, which devices (labels, machine), the groups with
 * their thresholds and timeouts, and whether the next group starts by itself. The preview shows which
 * devices fall into which group before anything is written. TESTING starts at once; STAGING and
 * PRODUCTION go through four eyes: a promotion request that carries the plan, its release the pin of
 * the environment below.
 */
@Component({
  selector: 'app-rollout-create',
  imports: [FormsModule, RouterLink, MatButtonModule, MatIconModule, MatFormFieldModule, MatInputModule, MatSelectModule, GroupsEditor,
    StatusChip, LabelPipe],
  template: `
    <section class="page">
      <a routerLink="/rollouts" class="back"><mat-icon svgIcon="arrow_back" aria-hidden="true" />{{ t.rollouts.title }}</a>
      <header class="page-header"><h1>{{ t.rollouts.createTitle }}</h1></header>
      @if (!session.owningCustomer()) {
        <p class="muted">{{ t.common.chooseCustomer }}</p>
      } @else {
        <form (ngSubmit)="submit()" novalidate>
          <section class="card block" aria-labelledby="what-h">
            <h2 id="what-h">{{ t.rollouts.target }}</h2>
            <div class="form-grid">
              <mat-form-field>
                <mat-label>{{ t.common.environment }}</mat-label>
                <mat-select name="environment" [value]="environment()" (valueChange)="chooseEnvironment($event)" data-testid="rollout-environment">
                  @for (e of environments; track e) { <mat-option [value]="e">{{ e | label }}</mat-option> }
                </mat-select>
                @if (fieldError('environment'); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
              </mat-form-field>
              @if (environment() === 'TESTING') {
                <mat-form-field>
                  <mat-label>{{ t.rollouts.release }}</mat-label>
                  <mat-select name="releaseId" [value]="releaseId()" (valueChange)="releaseId.set($event); changed()" required data-testid="rollout-release">
                    @for (r of releases(); track r.id) { <mat-option [value]="r.id">{{ r.name }}</mat-option> }
                  </mat-select>
                  @if (fieldError('releaseId'); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
                </mat-form-field>
              } @else {
                <div class="source" data-testid="rollout-source-release">
                  <span class="muted">{{ t.rollouts.fromSource(label(source())) }}</span>
                  @if (sourcePin(); as p) { <strong>{{ p.releaseName }}</strong> }
                  @else { <span class="invalid">{{ t.rollouts.nothingPinned(label(source())) }}</span> }
                </div>
              }
            </div>
            @if (environment() !== 'TESTING') {
              <p class="notice" data-testid="four-eyes-notice"><mat-icon svgIcon="lock" aria-hidden="true" />
                <span>{{ t.rollouts.fourEyes(label(environment()), label(source())) }}</span></p>
            }
          </section>

          <section class="card block" aria-labelledby="sel-h">
            <h2 id="sel-h">{{ t.rollouts.selector }}</h2>
            <p class="muted hint">{{ t.rollouts.selectorHint }}</p>
            <div class="form-grid">
              <mat-form-field>
                <mat-label>{{ t.rollouts.labelInput }}</mat-label>
                <input matInput name="label" [ngModel]="labelText()" (ngModelChange)="labelText.set($event); labelInvalid.set(false)"
                       (keydown.enter)="$event.preventDefault(); addLabel()" autocomplete="off" placeholder="site:plant-1" data-testid="label-input" />
                @if (labelInvalid()) { <mat-hint class="invalid">{{ t.rollouts.labelInvalid }}</mat-hint> }
                @else if (fieldError('selector.labels'); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
                @else { <mat-hint>{{ t.rollouts.labelHint }}</mat-hint> }
              </mat-form-field>
              <mat-form-field>
                <mat-label>{{ t.rollouts.machine }}</mat-label>
                <mat-select name="machineId" [value]="machineId()" (valueChange)="machineId.set($event); changed()">
                  <mat-option [value]="null">{{ t.rollouts.anyMachine }}</mat-option>
                  @for (m of machines(); track m.id) { <mat-option [value]="m.id">{{ m.name }}</mat-option> }
                </mat-select>
                @if (fieldError('selector.machineId'); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
              </mat-form-field>
            </div>
            <button mat-stroked-button type="button" (click)="addLabel()" data-testid="label-add">
              <mat-icon svgIcon="add" aria-hidden="true" />{{ t.rollouts.labelAdd }}</button>
            @if (labelList().length > 0) {
              <ul class="labels" [attr.aria-label]="t.common.labels">
                @for (l of labelList(); track l[0]) {
                  <li class="chip neutral" data-testid="label-chip">{{ l[0] }}:{{ l[1] }}
                    <button type="button" class="remove" (click)="removeLabel(l[0])" [attr.aria-label]="t.rollouts.labelRemove(l[0] + ':' + l[1])">
                      <mat-icon svgIcon="close" aria-hidden="true" /></button></li>
                }
              </ul>
            }
          </section>

          <section class="card block" aria-labelledby="grp-h">
            <h2 id="grp-h">{{ t.rollouts.groups }}</h2>
            <app-groups-editor [groups]="groups()" (groupsChange)="groups.set($event); changed()" [serverErrors]="fieldErrors()"
                               [showAll]="attempted()" [defaultSuccess]="successThreshold() ?? defaults.successThreshold"
                               [defaultError]="errorThreshold() ?? defaults.errorThreshold" [defaultTimeout]="timeoutMinutes() ?? defaults.timeoutMinutes" />
            @if (fieldError('groups'); as e) { <p class="invalid" role="alert">{{ e }}</p> }
          </section>

          <section class="card block" aria-labelledby="def-h">
            <h2 id="def-h">{{ t.rollouts.defaults }}</h2>
            <p class="muted hint">{{ t.rollouts.defaultsHint }}</p>
            <div class="form-grid">
              @for (f of defaultFields; track f.name) {
                <mat-form-field>
                  <mat-label>{{ f.label }}</mat-label>
                  <input matInput type="number" [min]="f.min" [max]="f.max" [name]="f.name" [ngModel]="f.value()"
                         (ngModelChange)="f.value.set(number($event)); changed()" required [attr.data-testid]="f.testId" />
                  @if (defaultError(f.field); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
                </mat-form-field>
              }
              <mat-form-field>
                <mat-label>{{ t.rollouts.advance }}</mat-label>
                <mat-select name="advance" [value]="advance()" (valueChange)="advance.set($event); changed()" data-testid="advance">
                  <mat-option value="AUTO">{{ t.rollouts.advanceAuto }}</mat-option>
                  <mat-option value="MANUAL">{{ t.rollouts.advanceManual }}</mat-option>
                </mat-select>
                @if (fieldError('advance'); as e) { <mat-hint class="invalid">{{ e }}</mat-hint> }
              </mat-form-field>
            </div>
          </section>

          @if (formError(); as message) {
            <p class="action-error" role="alert" data-testid="form-error"><mat-icon svgIcon="error" aria-hidden="true" /><span>{{ message }}</span></p>
          }
          <div class="form-actions block">
            <button mat-stroked-button type="button" (click)="runPreview()" [disabled]="busy()" data-testid="preview">
              <mat-icon svgIcon="visibility" aria-hidden="true" />{{ t.rollouts.preview }}</button>
            <button mat-flat-button type="submit" [disabled]="busy() || (environment() !== 'TESTING' && !sourcePin())" data-testid="submit-rollout">
              <mat-icon [svgIcon]="environment() === 'TESTING' ? 'rocket_launch' : 'send'" aria-hidden="true" />
              {{ environment() === 'TESTING' ? t.rollouts.start : t.rollouts.requestApproval }}</button>
          </div>

          @if (preview(); as p) {
            <section class="card block" aria-labelledby="prev-h" data-testid="preview-result" aria-live="polite">
              <h2 id="prev-h">{{ t.rollouts.previewTitle }}</h2>
              @if (previewStale()) { <p class="notice"><mat-icon svgIcon="info" aria-hidden="true" /><span>{{ t.rollouts.previewStale }}</span></p> }
              <p data-testid="preview-total">{{ t.rollouts.previewTotal(p.total, p.excluded) }}</p>
              <ol class="preview">
                @for (g of p.groups; track g.index; let i = $index) {
                  <li [attr.data-testid]="'preview-group-' + i">
                    <strong>{{ t.rollouts.previewGroup(i + 1, g.size) }}</strong>
                    <div class="sample">
                      @for (d of g.sample; track d.deviceId) {
                        <span class="device"><app-status [value]="d.connectivity" /> {{ d.name }}</span>
                      }
                      @if (g.size > g.sample.length) { <span class="muted">{{ t.rollouts.previewMore(g.size - g.sample.length) }}</span> }
                    </div>
                  </li>
                }
              </ol>
            </section>
          }
        </form>
      }
    </section>
  `,
  styles: `
    .back { display: inline-flex; align-items: center; gap: 4px; margin-bottom: 8px; text-decoration: none; }
    .block { margin-bottom: 16px; }
    .hint { margin: 0 0 8px; max-width: 80ch; }
    .invalid { color: var(--mat-sys-error); }
    .source { display: flex; flex-direction: column; gap: 4px; justify-content: center; padding: 4px 0 12px; }
    .notice, .action-error { display: flex; gap: 8px; align-items: flex-start; margin: 12px 0 0; padding: 8px 12px; border-radius: 8px; max-width: 80ch; }
    .notice { background: var(--mat-sys-secondary-container); color: var(--mat-sys-on-secondary-container); }
    .action-error { background: var(--mat-sys-error-container); color: var(--mat-sys-on-error-container); margin-bottom: 12px; }
    .notice mat-icon, .action-error mat-icon { flex: none; }
    .labels { list-style: none; display: flex; flex-wrap: wrap; gap: 6px; padding: 0; margin: 12px 0 0; }
    .labels .remove { border: 0; background: none; padding: 0; cursor: pointer; color: inherit; display: inline-flex; }
    .labels .remove mat-icon { width: 16px; height: 16px; }
    .preview { margin: 0; padding-left: 20px; } .preview li { margin: 8px 0; }
    .sample { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 4px; align-items: center; }
    .device { display: inline-flex; gap: 4px; align-items: center; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RolloutCreate {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  protected readonly defaults = DEFAULTS;
  protected readonly label = formatLabel;
  protected readonly number = numberOrNull;
  protected readonly session = inject(Session);
  private readonly api = inject(RolloutsApi);
  private readonly http = inject(HttpClient);
  private readonly notify = inject(Notifier);
  private readonly router = inject(Router);

  /** The environment to start with (?environment=STAGING from the Releases page). */
  readonly initialEnvironment = input<string | undefined>(undefined, { alias: 'environment' });

  protected readonly environment = signal<Environment>('TESTING');
  protected readonly releaseId = signal<string | null>(null);
  protected readonly labels = signal<Record<string, string>>({});
  protected readonly labelText = signal('');
  protected readonly labelInvalid = signal(false);
  protected readonly machineId = signal<string | null>(null);
  protected readonly groups = signal<GroupDraft[]>([emptyGroup('10%'), emptyGroup('90%')]);
  protected readonly successThreshold = signal<number | null>(DEFAULTS.successThreshold);
  protected readonly errorThreshold = signal<number | null>(DEFAULTS.errorThreshold);
  protected readonly timeoutMinutes = signal<number | null>(DEFAULTS.timeoutMinutes);
  protected readonly advance = signal<RolloutAdvance>('AUTO');
  /** The plan's default numbers as fields: the API's field name (for its errors) and the test id with each. */
  protected readonly defaultFields = [
    { label: T.rollouts.successThreshold, min: 1, max: 100, name: 'successThreshold', field: 'successThreshold', testId: 'success-threshold', value: this.successThreshold },
    { label: T.rollouts.errorThreshold, min: 0, max: 100, name: 'errorThreshold', field: 'errorThreshold', testId: 'error-threshold', value: this.errorThreshold },
    { label: T.rollouts.timeoutMinutes, min: 1, max: 10080, name: 'timeout', field: 'groupTimeout', testId: 'group-timeout', value: this.timeoutMinutes },
  ];

  protected readonly releases = signal<Release[]>([]);
  protected readonly pins = signal<Pin[]>([]);
  protected readonly machines = signal<Machine[]>([]);
  protected readonly preview = signal<RolloutPreview | null>(null);
  private readonly previewedFor = signal<string | null>(null);
  protected readonly busy = signal(false);
  /** Set once the user tried to preview or submit: from then on every problem shows, not only those of touched fields. */
  protected readonly attempted = signal(false);
  protected readonly apiError = signal<ApiError | null>(null);

  protected readonly labelList = computed(() => Object.entries(this.labels()));
  protected readonly source = computed(() => sourceOf(this.environment()));
  protected readonly sourcePin = computed(() => this.pins().find(p => p.environment === this.source() && p.releaseId) ?? null);
  protected readonly draft = computed<PlanDraft>(() => ({
    labels: this.labels(), machineId: this.machineId(), groups: this.groups(), successThreshold: this.successThreshold(),
    errorThreshold: this.errorThreshold(), timeoutMinutes: this.timeoutMinutes(), advance: this.advance(),
  }));
  private readonly localDefaultsErrors = computed(() => defaultsErrors(this.draft()));
  /** The server's field errors by field name; a promotion's are under "rollout." and shown at the same fields. */
  protected readonly fieldErrors = computed(() => {
    const errors: Record<string, string> = {};
    for (const e of this.apiError()?.fieldErrors ?? []) {
      errors[e.field.replace(/^rollout\./, '')] = e.message;
    }
    return errors;
  });
  protected readonly previewStale = computed(() => this.previewedFor() !== null && this.previewedFor() !== JSON.stringify(this.request()));

  constructor() {
    effect(() => {
      const wanted = this.initialEnvironment();
      if (wanted && (ENVIRONMENTS as string[]).includes(wanted)) {
        untracked(() => this.environment.set(wanted as Environment));
      }
    });
    effect(() => {
      const customerId = this.session.customerScope();
      untracked(() => this.loadChoices(customerId));
    });
  }

  private loadChoices(customerId: string | null): void {
    this.http.get<Page<Release>>(`${API}/releases`, { params: params({ customerId, limit: 200 }) })
      .subscribe({ next: p => this.releases.set(p.items), error: () => this.releases.set([]) });
    this.http.get<Pin[]>(`${API}/environments`, { params: params({ customerId }) })
      .subscribe({ next: p => this.pins.set(p), error: () => this.pins.set([]) });
    machineChoices(this.http, customerId).subscribe(machines => this.machines.set(machines));
  }

  protected chooseEnvironment(environment: Environment): void {
    this.environment.set(environment);
    this.changed();
  }

  /** Any edit: the server's verdict on the previous values no longer applies. */
  protected changed(): void {
    this.apiError.set(null);
  }

  protected addLabel(): void {
    const text = this.labelText().trim();
    if (!text) return;
    const label = parseLabel(text);
    if (!label) {
      this.labelInvalid.set(true);
      return;
    }
    this.labels.update(all => ({ ...all, [label[0]]: label[1] }));
    this.labelText.set('');
    this.changed();
  }

  protected removeLabel(key: string): void {
    this.labels.update(all => Object.fromEntries(Object.entries(all).filter(([k]) => k !== key)));
    this.changed();
  }

  protected fieldError(name: string): string | null {
    return this.fieldErrors()[name] ?? null;
  }

  protected defaultError(name: string): string | null {
    return this.fieldErrors()[name] ?? this.localDefaultsErrors()[name] ?? null;
  }

  /** What the API is told: the release is the chosen one for TESTING, the source's pin otherwise (for the preview). */
  private request(): RolloutRequest | null {
    const releaseId = this.environment() === 'TESTING' ? this.releaseId() : this.sourcePin()?.releaseId ?? null;
    if (!releaseId) return null;
    const customerId = this.session.platformAdmin() ? this.session.owningCustomer() ?? undefined : undefined;
    return { ...(customerId ? { customerId } : {}), releaseId, environment: this.environment(), ...toPlan(this.draft()) };
  }

  /** The problem the form shows above its buttons: a problem's detail and the field errors no field shows. */
  protected readonly formError = computed(() => {
    const e = this.apiError();
    if (!e) return this.attempted() && !planValid(this.draft()) ? T.rollouts.fixErrors : null;
    const shown = new Set(['environment', 'releaseId', 'selector.labels', 'selector.machineId', 'groups', 'successThreshold', 'errorThreshold',
      'groupTimeout', 'advance']);
    const other = e.fieldErrors.map(f => ({ ...f, field: f.field.replace(/^rollout\./, '') }))
      .filter(f => !shown.has(f.field) && !/^groups\[\d+\]\.(size|successThreshold|errorThreshold|timeout)$/.test(f.field));
    const text = e.detail ? `${e.title}: ${e.detail}` : e.title;
    return other.length ? `${text} — ${other.map(f => `${f.field}: ${f.message}`).join('; ')}` : text;
  });

  /** @returns the request when the plan is fine, after marking every problem (and a missing release) visible */
  private ready(): RolloutRequest | null {
    this.attempted.set(true);
    const request = this.request();
    if (!request) {
      this.apiError.set(new ApiError(400, 'CLIENT', T.rollouts.fixErrors, '', [{ field: 'releaseId', message: T.rollouts.required }]));
      return null;
    }
    return planValid(this.draft()) ? request : null;
  }

  protected runPreview(): void {
    const request = this.ready();
    if (!request) return;
    this.busy.set(true);
    this.apiError.set(null);
    this.api.preview(request).subscribe({
      next: p => { this.busy.set(false); this.preview.set(p); this.previewedFor.set(JSON.stringify(request)); },
      error: (e: ApiError) => { this.busy.set(false); this.apiError.set(e); },
    });
  }

  protected submit(): void {
    const request = this.ready();
    if (!request) return;
    this.busy.set(true);
    this.apiError.set(null);
    const env = this.environment();
    if (env === 'TESTING') {
      this.api.create(request).subscribe({
        next: rollout => { this.busy.set(false); this.notify.success(T.rollouts.started); void this.router.navigate(['/rollouts', rollout.id]); },
        error: (e: ApiError) => { this.busy.set(false); this.apiError.set(e); },
      });
      return;
    }
    const { customerId, ...rest } = request;
    const { releaseId: _release, environment: _environment, ...plan } = rest;
    this.api.requestPromotion(env, plan, customerId).subscribe({
      next: () => { this.busy.set(false); this.notify.success(T.rollouts.requested); void this.router.navigate(['/releases'], { fragment: 'approvals' }); },
      error: (e: ApiError) => { this.busy.set(false); this.apiError.set(e); },
    });
  }
}
