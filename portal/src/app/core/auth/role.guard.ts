import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { Role } from '../api/models';
import { Session } from './session';

/** Routes say the role they need ({@code data: {role}}); the API refuses anyway, this only spares a useless page. */
export const roleGuard: CanActivateFn = async route => {
  const role = route.data['role'] as Role | undefined;
  const session = inject(Session);
  const router = inject(Router);
  // A deep link (or reload) runs this before /api/me has answered: judge the user, not the empty session.
  await session.whenLoaded();
  if (!role || session.has(role)) {
    return true;
  }
  return router.createUrlTree(['/forbidden'], { queryParams: { role } });
};
