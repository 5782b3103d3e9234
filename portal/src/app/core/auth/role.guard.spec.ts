import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlTree, provideRouter } from '@angular/router';

import { Me } from '../api/models';
import { roleGuard } from './role.guard';
import { Session } from './session';

function route(role?: string): ActivatedRouteSnapshot {
  return { data: role ? { role } : {} } as unknown as ActivatedRouteSnapshot;
}

describe('roleGuard', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] }));

  function run(role: string | undefined, roles: string[]): boolean | UrlTree {
    TestBed.inject(Session).me.set({ subject: 's', username: 'u', roles, platformAdmin: false, authenticatedBy: 'session' } as Me);
    return TestBed.runInInjectionContext(() => roleGuard(route(role), {} as RouterStateSnapshot)) as boolean | UrlTree;
  }

  it('lets a user with the role or a higher one in', () => {
    expect(run('customer-admin', ['customer-admin'])).toBe(true);
    expect(run('operator', ['platform-admin'])).toBe(true);
    expect(run(undefined, ['viewer'])).toBe(true);
  });

  it('sends a user without the role to the page that names it', () => {
    const result = run('platform-admin', ['customer-admin']);
    expect(result instanceof UrlTree).toBe(true);
    expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/forbidden?role=platform-admin');
  });
});
