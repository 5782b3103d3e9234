import { Routes } from '@angular/router';

import { roleGuard } from './core/auth/role.guard';
import { ForbiddenPage, NotFoundPage } from './core/layout/simple-pages';
import { T } from './core/i18n/messages';

/** Every feature is a lazy chunk: the first page loads only the shell and what it shows. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'fleet' },
  { path: 'fleet', title: T.nav.fleet, loadComponent: () => import('./features/fleet/fleet-page').then(m => m.FleetPage) },
  { path: 'forbidden', component: ForbiddenPage },
  { path: '**', component: NotFoundPage },
];
