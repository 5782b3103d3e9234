import { Routes } from '@angular/router';

import { roleGuard } from './core/auth/role.guard';
import { ForbiddenPage, NotFoundPage } from './core/layout/simple-pages';
import { T } from './core/i18n/messages';

/** Every feature is a lazy chunk: the first page loads only the shell and what it shows. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'fleet' },
  { path: 'fleet', title: T.nav.fleet, loadComponent: () => import('./features/fleet/fleet-page').then(m => m.FleetPage) },
  { path: 'devices', title: T.nav.devices, loadComponent: () => import('./features/devices/device-list').then(m => m.DeviceList) },
  { path: 'devices/:id', title: T.nav.devices, loadComponent: () => import('./features/devices/device-detail').then(m => m.DeviceDetail) },
  { path: 'onboarding', title: T.nav.onboarding, loadComponent: () => import('./features/onboarding/onboarding-page').then(m => m.OnboardingPage) },
  { path: 'releases', title: T.nav.releases, loadComponent: () => import('./features/releases/releases-page').then(m => m.ReleasesPage) },
  { path: 'rollouts', title: T.nav.rollouts, loadComponent: () => import('./features/rollouts/rollout-list').then(m => m.RolloutList) },
  { path: 'rollouts/new', title: T.rollouts.createTitle, canActivate: [roleGuard], data: { role: 'operator' },
    loadComponent: () => import('./features/rollouts/rollout-create').then(m => m.RolloutCreate) },
  { path: 'rollouts/:id', title: T.nav.rollouts, loadComponent: () => import('./features/rollouts/rollout-detail').then(m => m.RolloutDetail) },
  { path: 'alerts', title: T.nav.alerts, loadComponent: () => import('./features/alerts/alerts-page').then(m => m.AlertsPage) },
  { path: 'machines', title: T.nav.machines, loadComponent: () => import('./features/masterdata/machines-page').then(m => m.MachinesPage) },
  { path: 'users', title: T.nav.users, canActivate: [roleGuard], data: { role: 'customer-admin' },
    loadComponent: () => import('./features/masterdata/users-page').then(m => m.UsersPage) },
  { path: 'customers', title: T.nav.customers, canActivate: [roleGuard], data: { role: 'platform-admin' },
    loadComponent: () => import('./features/masterdata/customers-page').then(m => m.CustomersPage) },
  { path: 'health', title: T.nav.health, canActivate: [roleGuard], data: { role: 'platform-admin' },
    loadComponent: () => import('./features/health/health-page').then(m => m.HealthPage) },
  { path: 'forbidden', component: ForbiddenPage },
  { path: '**', component: NotFoundPage },
];
