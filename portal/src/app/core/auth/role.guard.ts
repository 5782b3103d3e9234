import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { Role } from '../api/models';
import { Session } from './session';

/** Routes say the role they need ({@code data: {role}}); the API refuses anyway, this only spares a useless page. */
export const roleGuard: CanActivateFn = route => {
  const role = route.data['role'] as Role | undefined;
  const session = inject(Session);
  if (!role || session.has(role)) {
    return true;
  }
  return inject(Router).createUrlTree(['/forbidden'], { queryParams: { role } });
};
