import { Environment, Pin, Promotion } from '../core/api/models';
import { Session } from '../core/auth/session';

/** What the signed-in person may do with a four-eyes request (a promotion or a device move). */
export type FourEyes = 'needs-admin' | 'own-request' | 'may-decide';

/**
 * Mirrors the services' rule so the page can say why a button is off: deciding needs
 * customer-admin, and never on one's own request. The services record the requester by user name
 * (the token's subject when it has none) and refuse by subject (403 SELF_APPROVAL) whatever the page shows.
 */
export function fourEyes(session: Session, requestedBy: string): FourEyes {
  if (!session.has('customer-admin')) {
    return 'needs-admin';
  }
  const me = session.me();
  return me && (requestedBy === me.username || requestedBy === me.subject) ? 'own-request' : 'may-decide';
}

/**
 * The releases a STAGING or PRODUCTION device may be pinned to by an override: those a second
 * person approved for that environment (an approved promotion or rollback into it) and its current
 * pin. TESTING takes any release, so it has no such set (null).
 */
export function approvedReleases(environment: Environment, pins: Pin[], promotions: Promotion[]): Set<string> | null {
  if (environment === 'TESTING') {
    return null;
  }
  const ids = new Set(promotions.filter(p => p.status === 'APPROVED' && p.targetEnvironment === environment).map(p => p.releaseId));
  const pinned = pins.find(p => p.environment === environment)?.releaseId;
  if (pinned) {
    ids.add(pinned);
  }
  return ids;
}
