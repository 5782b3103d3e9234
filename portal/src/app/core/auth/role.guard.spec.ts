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

  function me(roles: string[]): Me {
    return { subject: 's', username: 'u', roles, platformAdmin: false, authenticatedBy: 'session' } as Me;
  }

  function run(role: string | undefined, roles: string[]): Promise<boolean | UrlTree> {
    const session = TestBed.inject(Session);
    session.me.set(me(roles));
    session.whenLoaded = () => Promise.resolve(me(roles));
    return TestBed.runInInjectionContext(() => roleGuard(route(role), {} as RouterStateSnapshot)) as Promise<boolean | UrlTree>;
  }

  it('lets a user with the role or a higher one in', async () => {
    expect(await run('customer-admin', ['customer-admin'])).toBe(true);
    expect(await run('operator', ['platform-admin'])).toBe(true);
    expect(await run(undefined, ['viewer'])).toBe(true);
  });

  it('waits for /api/me on a deep link instead of judging the empty session', async () => {
    const session = TestBed.inject(Session);
    let answer: (value: Me) => void = () => undefined;
    session.whenLoaded = () => new Promise<Me | null>(resolve => answer = value => { session.me.set(value); resolve(value); });
    const decision = TestBed.runInInjectionContext(() => roleGuard(route('customer-admin'), {} as RouterStateSnapshot)) as Promise<boolean | UrlTree>;
    answer(me(['customer-admin']));
    expect(await decision).toBe(true);
  });

  it('sends a user without the role to the page that names it', async () => {
    const result = await run('platform-admin', ['customer-admin']);
    expect(result instanceof UrlTree).toBe(true);
    expect(TestBed.inject(Router).serializeUrl(result as UrlTree)).toBe('/forbidden?role=platform-admin');
  });
});
