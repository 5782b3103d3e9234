import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';

import { Me, Role } from '../api/models';

const RANK: Record<Role, number> = { viewer: 1, operator: 2, 'customer-admin': 3, 'platform-admin': 4 };
const RETURN_TO = 'edp.returnTo';
const SCOPE = 'edp.customerScope';

/** Where the gateway starts the Keycloak login (authorization code + PKCE, BFF). */
export const LOGIN_URL = '/oauth2/authorization/keycloak';

/**
 * Who is signed in (from the gateway's {@code /api/me}) and, for a platform admin, which customer
 * the portal shows. The browser holds no token: the gateway keeps it in the server-side session.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly http = inject(HttpClient);

  readonly me = signal<Me | null>(null);
  /** A platform admin's choice: one customer's id, or null for all customers. */
  readonly selectedCustomer = signal<string | null>(sessionStorage.getItem(SCOPE));

  readonly rank = computed(() => Math.max(0, ...(this.me()?.roles ?? []).map(r => RANK[r as Role] ?? 0)));
  readonly platformAdmin = computed(() => this.me()?.platformAdmin === true);
  /** The {@code customerId} parameter for lists: only a platform admin's choice; others always see their own. */
  readonly customerScope = computed(() => (this.platformAdmin() ? this.selectedCustomer() : null));
  /** The customer new things are created for: one's own, or the platform admin's chosen one (none when "all"). */
  readonly owningCustomer = computed(() => (this.platformAdmin() ? this.selectedCustomer() : this.me()?.customerId ?? null));

  private loading: Promise<Me> | null = null;

  load(): Promise<Me> {
    this.loading = firstValueFrom(this.http.get<Me>('/api/me')).then(me => {
      this.me.set(me);
      return me;
    });
    return this.loading;
  }

  /** @returns who is signed in once /api/me answered (a deep link's guard runs before that), or null */
  whenLoaded(): Promise<Me | null> {
    return (this.loading ?? this.load()).catch(() => null);
  }

  /** @returns whether the user has this role or a higher one (platform-admin > customer-admin > operator > viewer) */
  has(role: Role): boolean {
    return this.rank() >= RANK[role];
  }

  selectCustomer(id: string | null): void {
    if (id) {
      sessionStorage.setItem(SCOPE, id);
    } else {
      sessionStorage.removeItem(SCOPE);
    }
    this.selectedCustomer.set(id);
  }

  /** Goes to the login and comes back to the current page afterwards. */
  login(): void {
    const here = location.pathname + location.search;
    if (here !== '/') {
      sessionStorage.setItem(RETURN_TO, here);
    }
    location.assign(LOGIN_URL);
  }

  /** @returns the page the user wanted before a login, once */
  takeReturnTo(): string | null {
    const target = sessionStorage.getItem(RETURN_TO);
    sessionStorage.removeItem(RETURN_TO);
    // Only paths of this app: never an absolute or protocol-relative URL.
    return target && target.startsWith('/') && !target.startsWith('//') ? target : null;
  }

  /**
   * Ends the gateway session and Keycloak's (OIDC RP-initiated logout). A real form POST, so the
   * browser follows the redirect to Keycloak; the XSRF token goes along as the form's _csrf field.
   */
  logout(): void {
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = '/logout';
    const csrf = document.createElement('input');
    csrf.type = 'hidden';
    csrf.name = '_csrf';
    csrf.value = readCookie('XSRF-TOKEN') ?? '';
    form.appendChild(csrf);
    document.body.appendChild(form);
    sessionStorage.removeItem(SCOPE);
    form.submit();
  }
}

export function readCookie(name: string): string | null {
  const entry = document.cookie.split('; ').find(c => c.startsWith(name + '='));
  return entry ? decodeURIComponent(entry.substring(name.length + 1)) : null;
}
