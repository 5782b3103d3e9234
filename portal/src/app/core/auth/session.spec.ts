import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { Me } from '../api/models';
import { Session } from './session';

function me(roles: string[], platformAdmin = false, customerId: string | null = 'c-1'): Me {
  return { subject: 's', username: 'u', roles, customerId, platformAdmin, authenticatedBy: 'session' };
}

describe('Session', () => {
  let session: Session;
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    session = TestBed.inject(Session);
    http = TestBed.inject(HttpTestingController);
  });

  it('loads the user from /api/me', async () => {
    const loaded = session.load();
    http.expectOne('/api/me').flush(me(['operator']));
    expect((await loaded).username).toBe('u');
    expect(session.me()?.roles).toEqual(['operator']);
  });

  it('ranks roles: a higher role includes the lower ones, never the higher', () => {
    session.me.set(me(['operator']));
    expect(session.has('viewer')).toBe(true);
    expect(session.has('operator')).toBe(true);
    expect(session.has('customer-admin')).toBe(false);
    expect(session.has('platform-admin')).toBe(false);
    session.me.set(me(['offline_access', 'customer-admin']));
    expect(session.has('operator')).toBe(true);
    expect(session.has('platform-admin')).toBe(false);
    session.me.set(me([]));
    expect(session.has('viewer')).toBe(false);
  });

  it('scopes lists to the chosen customer only for a platform admin', () => {
    session.me.set(me(['customer-admin'], false, 'own'));
    session.selectCustomer('other');
    expect(session.customerScope()).toBeNull();
    expect(session.owningCustomer()).toBe('own');
    session.me.set(me(['platform-admin'], true, null));
    expect(session.customerScope()).toBe('other');
    expect(session.owningCustomer()).toBe('other');
    session.selectCustomer(null);
    expect(session.customerScope()).toBeNull();
    expect(session.owningCustomer()).toBeNull();
  });

  it('returns only to paths of this app after a login', () => {
    sessionStorage.setItem('edp.returnTo', '/devices/1?x=2');
    expect(session.takeReturnTo()).toBe('/devices/1?x=2');
    expect(session.takeReturnTo()).toBeNull();
    sessionStorage.setItem('edp.returnTo', '//evil.example/');
    expect(session.takeReturnTo()).toBeNull();
    sessionStorage.setItem('edp.returnTo', 'https://evil.example/');
    expect(session.takeReturnTo()).toBeNull();
  });
});
