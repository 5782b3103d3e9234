import { provideHttpClient } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';

import { Pin, Promotion } from '../core/api/models';
import { Session } from '../core/auth/session';
import { approvedReleases, fourEyes } from './four-eyes';

function promotion(releaseId: string, targetEnvironment: 'STAGING' | 'PRODUCTION', status: string): Promotion {
  return { id: releaseId + status, customerId: 'c', targetEnvironment, basisEnvironment: 'TESTING', basisRevision: 1, releaseId,
    rollback: false, status, requestedBy: 'a', requestedAt: '2026-01-01T00:00:00Z' };
}

describe('four eyes', () => {
  let session: Session;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient()] });
    session = TestBed.inject(Session);
  });

  function signIn(roles: string[], username = 'anna', subject = 'sub-anna'): void {
    session.me.set({ subject, username, roles, customerId: 'c', platformAdmin: false, authenticatedBy: 'session' });
  }

  it('lets only a customer admin decide, and never on their own request (by user name or, without one, by subject)', () => {
    signIn(['operator']);
    expect(fourEyes(session, 'bert')).toBe('needs-admin');
    signIn(['customer-admin']);
    expect(fourEyes(session, 'anna')).toBe('own-request');
    expect(fourEyes(session, 'sub-anna')).toBe('own-request');
    expect(fourEyes(session, 'bert')).toBe('may-decide');
  });

  it('approves for STAGING only releases promoted or rolled back there and its pin; TESTING takes any release', () => {
    const pins: Pin[] = [{ customerId: 'c', environment: 'STAGING', releaseId: 'pinned', revision: 3 }];
    const promotions = [promotion('promoted', 'STAGING', 'APPROVED'), promotion('asked', 'STAGING', 'REQUESTED'),
      promotion('refused', 'STAGING', 'REJECTED'), promotion('production-only', 'PRODUCTION', 'APPROVED')];
    expect([...approvedReleases('STAGING', pins, promotions)!].sort()).toEqual(['pinned', 'promoted']);
    expect([...approvedReleases('PRODUCTION', pins, promotions)!]).toEqual(['production-only']);
    expect(approvedReleases('TESTING', pins, promotions)).toBeNull();
  });
});
