import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { EnvironmentProviders, Provider, Type } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';

import { Session } from '../core/auth/session';
import { errorInterceptor } from '../core/interceptors/error.interceptor';
import { registerIcons } from '../shared/icon-registry';

/**
 * For unit tests of one page: the TestBed with the page, the app's HTTP stack (its error interceptor
 * included) answered by the HttpTestingController, a router without routes, the icons, and any
 * further providers (stand-ins).
 * @returns the HttpTestingController
 */
export function setUpPage(page: Type<unknown>, ...providers: (Provider | EnvironmentProviders)[]): HttpTestingController {
  TestBed.configureTestingModule({
    imports: [page],
    providers: [provideHttpClient(withInterceptors([errorInterceptor])), provideHttpClientTesting(), provideRouter([]), ...providers],
  });
  TestBed.runInInjectionContext(registerIcons);
  return TestBed.inject(HttpTestingController);
}

/** Signs in a person of customer "c" (not a platform admin), as the gateway's /api/me would tell. */
export function signIn(roles: string[], username = 'olga', subject = 's-' + username): void {
  TestBed.inject(Session).me.set({ subject, username, roles, customerId: 'c', platformAdmin: false, authenticatedBy: 'session' });
}
