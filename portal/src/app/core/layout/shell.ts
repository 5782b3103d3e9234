import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { NavigationEnd, Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { filter, map } from 'rxjs';

import { Role } from '../api/models';
import { Session } from '../auth/session';
import { T } from '../i18n/messages';
import { LiveEvents } from '../live/live-events';
import { CustomerSwitcher } from './customer-switcher';

interface NavItem { path: string; label: string; icon: string; role: Role; }

/** The frame of every page: top bar, navigation (a drawer on phones), the page. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatSidenavModule, MatToolbarModule, MatListModule, MatIconModule,
    MatButtonModule, MatMenuModule, MatTooltipModule, CustomerSwitcher],
  template: `
    <a class="skip-link" href="#main" (click)="skip($event)">{{ t.shell.skip }}</a>
    <mat-toolbar class="bar">
      @if (!wide()) {
        <button mat-icon-button type="button" (click)="nav.toggle()" [attr.aria-label]="t.shell.menu" aria-controls="nav">
          <mat-icon svgIcon="menu" aria-hidden="true" />
        </button>
      }
      <a routerLink="/fleet" class="brand" [attr.aria-label]="t.shell.home"><span class="logo" aria-hidden="true">E</span>@if (wide()) {<span>{{ t.app }}</span>}</a>
      <span class="spacer"></span>
      <span class="live" [class.on]="live.connected()" role="status" [matTooltip]="live.connected() ? t.shell.liveOn : t.shell.liveOff">
        <span class="dot" aria-hidden="true"></span><span [class.sr-only]="!wide()">{{ live.connected() ? t.shell.live : t.shell.notLive }}</span>
      </span>
      @if (session.platformAdmin()) {
        <app-customer-switcher />
      }
      <button mat-icon-button type="button" [matMenuTriggerFor]="userMenu" [attr.aria-label]="t.shell.account" data-testid="user-menu">
        <mat-icon svgIcon="account_circle" aria-hidden="true" />
      </button>
      <mat-menu #userMenu="matMenu">
        <div class="who" role="presentation">
          <strong data-testid="username">{{ me()?.name || me()?.username }}</strong>
          <span class="muted">{{ me()?.username }}</span>
          <span class="muted">{{ roleLabel() }}</span>
        </div>
        <button mat-menu-item type="button" (click)="session.logout()" data-testid="logout">
          <mat-icon svgIcon="logout" aria-hidden="true" />{{ t.shell.logout }}
        </button>
      </mat-menu>
    </mat-toolbar>
    <mat-sidenav-container class="container">
      <mat-sidenav #nav id="nav" [mode]="wide() ? 'side' : 'over'" [opened]="wide()" class="nav" role="navigation" [attr.aria-label]="t.shell.navigation">
        <mat-nav-list>
          @for (item of items(); track item.path) {
            <a mat-list-item [routerLink]="item.path" routerLinkActive #rla="routerLinkActive" [activated]="rla.isActive"
               [attr.aria-current]="rla.isActive ? 'page' : null" (click)="wide() || nav.close()">
              <mat-icon matListItemIcon [svgIcon]="item.icon" aria-hidden="true" />
              <span matListItemTitle>{{ item.label }}</span>
            </a>
          }
          <!-- Not a route of the app: the gateway's Swagger UI, in its own tab so the portal stays where it was. -->
          <a mat-list-item href="/swagger-ui.html" target="_blank" rel="noopener" data-testid="api-docs" [attr.aria-label]="t.nav.apiHint"
             (click)="wide() || nav.close()">
            <mat-icon matListItemIcon svgIcon="code" aria-hidden="true" />
            <span matListItemTitle>{{ t.nav.api }} <mat-icon svgIcon="open_in_new" class="external" aria-hidden="true" /></span>
          </a>
        </mat-nav-list>
      </mat-sidenav>
      <mat-sidenav-content>
        <main id="main" tabindex="-1"><router-outlet /></main>
      </mat-sidenav-content>
    </mat-sidenav-container>
  `,
  styles: `
    :host { display: flex; flex-direction: column; height: 100vh; }
    .bar { position: sticky; top: 0; z-index: 3; gap: 8px; background: var(--mat-sys-surface-container); border-bottom: 1px solid var(--mat-sys-outline-variant); padding: 0 8px; }
    .brand { display: inline-flex; align-items: center; gap: 10px; color: inherit; text-decoration: none; font: var(--mat-sys-title-medium); }
    .logo { display: inline-grid; place-items: center; width: 32px; height: 32px; border-radius: 8px; background: var(--mat-sys-primary); color: var(--mat-sys-on-primary); font-weight: 700; }
    .container { flex: 1; }
    .nav { width: 232px; background: var(--mat-sys-surface-container-low); border-right: 1px solid var(--mat-sys-outline-variant); }
    main { outline: none; min-height: 100%; }
    .live { display: inline-flex; align-items: center; gap: 6px; font: var(--mat-sys-label-medium); color: var(--mat-sys-on-surface-variant); }
    .live .dot { width: 10px; height: 10px; border-radius: 50%; background: var(--mat-sys-outline); }
    .live.on .dot { background: #1e8e3e; }
    .external { width: 16px; height: 16px; vertical-align: text-bottom; }
    .who { display: flex; flex-direction: column; padding: 8px 16px 12px; gap: 2px; }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly t = T;
  protected readonly session = inject(Session);
  protected readonly live = inject(LiveEvents);
  protected readonly me = this.session.me;
  protected readonly wide = toSignal(inject(BreakpointObserver).observe('(min-width: 1024px)').pipe(map(s => s.matches)),
    { initialValue: true });

  private readonly all: NavItem[] = [
    { path: '/fleet', label: T.nav.fleet, icon: 'dashboard', role: 'viewer' },
    { path: '/devices', label: T.nav.devices, icon: 'memory', role: 'viewer' },
    { path: '/onboarding', label: T.nav.onboarding, icon: 'qr_code_2', role: 'viewer' },
    { path: '/releases', label: T.nav.releases, icon: 'rocket_launch', role: 'viewer' },
    { path: '/rollouts', label: T.nav.rollouts, icon: 'linear_scale', role: 'viewer' },
    { path: '/alerts', label: T.nav.alerts, icon: 'notifications', role: 'viewer' },
    { path: '/machines', label: T.nav.machines, icon: 'precision_manufacturing', role: 'viewer' },
    { path: '/users', label: T.nav.users, icon: 'group', role: 'customer-admin' },
    { path: '/customers', label: T.nav.customers, icon: 'business', role: 'platform-admin' },
    { path: '/health', label: T.nav.health, icon: 'monitor_heart', role: 'platform-admin' },
  ];
  protected readonly items = computed(() => this.all.filter(item => this.session.has(item.role)));
  protected readonly roleLabel = computed(() => (this.me()?.roles ?? [])
    .filter(r => ['platform-admin', 'customer-admin', 'operator', 'viewer'].includes(r)).join(', '));

  constructor() {
    // Move focus to the page after navigation, so keyboard and screen-reader users start there.
    inject(Router).events.pipe(filter(e => e instanceof NavigationEnd)).subscribe(() => {
      queueMicrotask(() => document.querySelector('main h1')?.setAttribute('tabindex', '-1'));
    });
  }

  protected skip(event: Event): void {
    event.preventDefault();
    (document.getElementById('main') as HTMLElement | null)?.focus();
  }
}
