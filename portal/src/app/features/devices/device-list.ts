import { BreakpointObserver } from '@angular/cdk/layout';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import { Subject, debounceTime, map } from 'rxjs';

import { CONNECTIVITIES, Connectivity, Device, ENVIRONMENTS, Environment, LIFECYCLES, Lifecycle, Machine } from '../../core/api/models';
import { Session } from '../../core/auth/session';
import { T } from '../../core/i18n/messages';
import { LiveEvents } from '../../core/live/live-events';
import { FilterSelect } from '../../shared/filter-select';
import { AgoPipe, LabelPipe, TimePipe } from '../../shared/format';
import { KeysetPages, Pager, onScopeChange } from '../../shared/keyset-pages';
import { LoadState } from '../../shared/load-state';
import { StatusChip } from '../../shared/status-chip';
import { DeviceFilter, DevicesApi } from './devices-api';
import { machineChoices } from '../masterdata/machines-api';

/**
 * The device table with the API's filters, sort and keyset paging (one page of 50 at a time, so it
 * stays fast with any fleet size). Filters live in the URL; connectivity changes arrive live.
 */
@Component({
  selector: 'app-device-list',
  imports: [RouterLink, FormsModule, FilterSelect, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule,
    MatProgressBarModule, LoadState, Pager, StatusChip, AgoPipe, TimePipe, LabelPipe],
  template: `
    <section class="page">
      <header class="page-header">
        <h1>{{ t.devices.title }}</h1>
        <span class="muted" role="status">{{ page() ? t.devices.count(page()!.items.length + pages.offset(), !!page()!.nextCursor) : '' }}</span>
      </header>
      <form class="filters card" role="search" (submit)="$event.preventDefault()">
        <mat-form-field class="wide">
          <mat-label>{{ t.devices.search }}</mat-label>
          <mat-icon matPrefix svgIcon="search" aria-hidden="true" />
          <input matInput name="q" [ngModel]="filter().q ?? ''" (ngModelChange)="typed.next($event)" autocomplete="off" data-testid="device-search" />
        </mat-form-field>
        <app-filter-select [label]="t.common.environment" [anyText]="t.devices.allEnvironments" [options]="environments"
                           [value]="filter().environment" (changed)="set({ environment: $event })" />
        <app-filter-select [label]="t.devices.lifecycle" [anyText]="t.devices.allLifecycles" [options]="lifecycles"
                           [value]="filter().lifecycle" (changed)="set({ lifecycle: $event })" />
        <app-filter-select [label]="t.devices.connectivity" [anyText]="t.devices.allConnectivity" [options]="connectivities"
                           [value]="filter().connectivity" (changed)="set({ connectivity: $event })" testId="connectivity-filter" />
        <mat-form-field>
          <mat-label>{{ t.devices.machine }}</mat-label>
          <mat-select [value]="filter().machineId ?? ''" (valueChange)="set({ machineId: $event || null })">
            <mat-option value="">{{ t.devices.allMachines }}</mat-option>
            @for (m of machines(); track m.id) { <mat-option [value]="m.id">{{ m.name }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ t.devices.labels }}</mat-label>
          <input matInput name="labels" [ngModel]="(filter().label ?? []).join(', ')" (change)="setLabels($any($event.target).value)"
                 [placeholder]="'site:plant-1'" autocomplete="off" />
          <mat-hint>{{ t.common.labelsHint }}</mat-hint>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ t.devices.sort }}</mat-label>
          <mat-select [value]="filter().sort ?? 'name'" (valueChange)="set({ sort: $event })">
            <mat-option value="name">{{ t.devices.sortName }}</mat-option>
            <mat-option value="-name">{{ t.devices.sortNameDesc }}</mat-option>
            <mat-option value="-createdAt">{{ t.devices.sortNewest }}</mat-option>
            <mat-option value="createdAt">{{ t.devices.sortOldest }}</mat-option>
          </mat-select>
        </mat-form-field>
      </form>
      @if (pages.loading()) { <mat-progress-bar mode="indeterminate" [attr.aria-label]="t.state.loading" /> }
      <app-load-state [loading]="pages.loading() && !page()" [error]="pages.error()" (retry)="pages.load()"
                      [empty]="!!page() && page()!.items.length === 0" [emptyText]="t.devices.empty" />
      @if (page(); as p) {
        @if (p.items.length > 0) {
          <div class="table-wrap" tabindex="0">
            <table class="devices" [attr.aria-label]="t.devices.title">
              <thead>
                <tr>
                  <th scope="col">{{ t.common.name }}</th>
                  <th scope="col">{{ t.devices.connectivity }}</th>
                  @if (wide()) {
                    <th scope="col">{{ t.common.environment }}</th>
                    <th scope="col">{{ t.devices.lifecycle }}</th>
                    <th scope="col">{{ t.devices.lastChange }}</th>
                    <th scope="col">{{ t.devices.labels }}</th>
                  }
                </tr>
              </thead>
              <tbody>
                @for (d of p.items; track d.id) {
                  <tr [attr.data-testid]="'device-row-' + d.name">
                    <td><a [routerLink]="['/devices', d.id]">{{ d.name }}</a>
                      @if (!wide()) {<div class="sub muted">{{ d.environment | label }} · {{ d.lifecycle | label }}</div>}</td>
                    <td><app-status [value]="d.connectivity" [attr.data-testid]="'connectivity-' + d.name" /></td>
                    @if (wide()) {
                      <td><app-status [value]="d.environment" /></td>
                      <td><app-status [value]="d.lifecycle" /></td>
                      <td><time [attr.datetime]="d.connectivitySince" [title]="d.connectivitySince | time">{{ d.connectivitySince | ago }}</time></td>
                      <td class="labels">@for (l of labelsOf(d); track l) {<span class="chip neutral">{{ l }}</span>}</td>
                    }
                  </tr>
                }
              </tbody>
            </table>
          </div>
          <app-pager [pages]="pages" [label]="t.devices.title" />
        }
      }
    </section>
  `,
  styles: `
    .filters { margin-bottom: 16px; }
    table.devices { border-collapse: collapse; }
    th, td { text-align: left; padding: 10px 12px; border-bottom: 1px solid var(--mat-sys-outline-variant); vertical-align: middle; }
    th { font: var(--mat-sys-title-small); color: var(--mat-sys-on-surface-variant); background: var(--mat-sys-surface-container-low); position: sticky; top: 0; }
    tbody tr:hover { background: var(--mat-sys-surface-container-low); }
    td a { font-weight: 500; }
    .sub { font-size: 12px; margin-top: 2px; }
    .labels { display: flex; flex-wrap: wrap; gap: 4px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeviceList {
  protected readonly t = T;
  protected readonly environments = ENVIRONMENTS;
  protected readonly lifecycles = LIFECYCLES;
  protected readonly connectivities = CONNECTIVITIES;
  private readonly api = inject(DevicesApi);
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  protected readonly wide = toSignal(inject(BreakpointObserver).observe('(min-width: 720px)').pipe(map(s => s.matches)),
    { initialValue: true });
  protected readonly filter = signal<DeviceFilter>({});
  protected readonly pages = new KeysetPages<Device>((cursor, limit) =>
    this.api.list({ ...this.filter(), customerId: this.session.customerScope(), cursor, limit }));
  protected readonly page = this.pages.page;
  protected readonly machines = signal<Machine[]>([]);
  protected readonly typed = new Subject<string>();

  constructor() {
    const destroy = inject(DestroyRef);
    this.route.queryParamMap.pipe(takeUntilDestroyed(destroy)).subscribe(q => {
      this.filter.set({
        q: q.get('q'), environment: q.get('environment') as Environment | null, lifecycle: q.get('lifecycle') as Lifecycle | null,
        connectivity: q.get('connectivity') as Connectivity | null, machineId: q.get('machineId'), label: q.getAll('label'),
        sort: q.get('sort'),
      });
      this.pages.first();
    });
    onScopeChange(this.session, () => this.pages.load());
    effect(() => {
      const scope = this.session.customerScope();
      untracked(() => this.loadMachines(scope));
    });
    this.typed.pipe(debounceTime(300), takeUntilDestroyed(destroy)).subscribe(q => this.set({ q: q || null }));
    inject(LiveEvents).on('device.online', 'device.offline').pipe(takeUntilDestroyed(destroy)).subscribe(event => {
      const id = event.data?.deviceId as string | undefined;
      const to = event.type === 'device.online' ? 'ONLINE' : 'OFFLINE';
      this.page.update(p => p && { ...p, items: p.items.map(d => d.id === id ? { ...d, connectivity: to, connectivitySince: event.data?.at ?? d.connectivitySince } : d) });
    });
  }

  private readonly http = inject(HttpClient);

  protected set(change: Partial<DeviceFilter>): void {
    const next = { ...this.filter(), ...change };
    this.router.navigate([], {
      relativeTo: this.route, replaceUrl: true,
      queryParams: { q: next.q || null, environment: next.environment || null, lifecycle: next.lifecycle || null,
        connectivity: next.connectivity || null, machineId: next.machineId || null, label: next.label?.length ? next.label : null,
        sort: next.sort && next.sort !== 'name' ? next.sort : null },
    });
  }

  protected setLabels(text: string): void {
    this.set({ label: text.split(',').map(s => s.trim()).filter(Boolean) });
  }

  protected labelsOf(device: Device): string[] {
    return Object.entries(device.labels ?? {}).map(([k, v]) => `${k}:${v}`);
  }

  private loadMachines(customerId: string | null): void {
    machineChoices(this.http, customerId).subscribe(machines => this.machines.set(machines));
  }
}
