import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { Rollout } from '../../core/api/models';
import { Session } from '../../core/auth/session';
import { errorInterceptor } from '../../core/interceptors/error.interceptor';
import { registerIcons } from '../../shared/icon-registry';
import { RolloutList } from './rollout-list';

const API = '/api/devices/v1';

function rollout(id: string): Rollout {
  const counts = (ready: number, pending: number) => ({ pending, assigned: 0, reconciling: 0, ready, failed: 0, timedOut: 0 });
  return { id, customerId: 'c', releaseId: 'rel-new', releaseName: '2026.3', previousReleaseId: null, environment: 'STAGING', selector: null,
    advance: 'AUTO', successThreshold: 95, errorThreshold: 5, groupTimeout: 'PT30M', status: 'RUNNING', total: 20, excluded: 0, activeGroup: 1,
    groups: [{ index: 0, size: '10%', plannedSize: 2, successThreshold: 95, errorThreshold: 5, timeout: 'PT30M', status: 'SUCCEEDED', counts: counts(2, 0) },
      { index: 1, size: '90%', plannedSize: 18, successThreshold: 95, errorThreshold: 5, timeout: 'PT30M', status: 'ACTIVE', counts: counts(1, 0) }],
    createdAt: '2026-12-01T10:00:00Z', createdBy: 'olga', updatedAt: '2026-12-01T10:00:00Z', updatedBy: 'olga', version: 1 };
}

describe('RolloutList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([errorInterceptor])), provideHttpClientTesting(),
        provideRouter([{ path: 'rollouts', component: RolloutList }])],
    });
    TestBed.runInInjectionContext(registerIcons);
    http = TestBed.inject(HttpTestingController);
  });

  function signIn(roles: string[]): void {
    TestBed.inject(Session).me.set({ subject: 's', username: 'olga', roles, customerId: 'c', platformAdmin: false, authenticatedBy: 'session' });
  }

  async function open(url: string): Promise<{ harness: RouterTestingHarness; page: HTMLElement }> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    return { harness, page: harness.routeNativeElement as HTMLElement };
  }

  it('asks for the filters in the URL and shows each rollout\'s release, status, progress and active group, linked', async () => {
    signIn(['operator']);
    const { harness, page } = await open('/rollouts?environment=STAGING&status=RUNNING');
    const request = http.expectOne(r => r.url === `${API}/rollouts`);
    expect(request.request.params.get('environment')).toBe('STAGING');
    expect(request.request.params.get('status')).toBe('RUNNING');
    expect(request.request.params.get('limit')).toBe('50');
    expect(request.request.params.has('cursor')).toBe(false);
    request.flush({ items: [rollout('r-1')], nextCursor: 'next-1' });
    harness.detectChanges();
    await harness.fixture.whenStable();

    const row = page.querySelector('[data-testid="rollout-row-r-1"]')!;
    expect(row.textContent).toContain('2026.3');
    expect(row.textContent).toContain('Staging');
    expect(row.textContent).toContain('Running');
    expect(row.textContent).toContain('3 / 20 ready');
    expect(row.textContent).toContain('2 of 2');
    expect(row.textContent).toContain('olga');
    expect(row.querySelector('a')?.getAttribute('href')).toBe('/rollouts/r-1');
    expect(page.querySelector('[data-testid="new-rollout"]')?.getAttribute('href')).toBe('/rollouts/new');

    (page.querySelector('[data-testid="next-page"]') as HTMLButtonElement).click();
    const next = http.expectOne(r => r.url === `${API}/rollouts`);
    expect(next.request.params.get('cursor')).toBe('next-1');
    expect(next.request.params.get('environment')).toBe('STAGING');
    next.flush({ items: [], nextCursor: null });
  });

  it('shows a viewer the rollouts but no "New rollout"', async () => {
    signIn(['viewer']);
    const { harness, page } = await open('/rollouts');
    http.expectOne(r => r.url === `${API}/rollouts`).flush({ items: [rollout('r-1')] });
    harness.detectChanges();
    await harness.fixture.whenStable();
    expect(page.querySelector('[data-testid="rollout-row-r-1"]')).not.toBeNull();
    expect(page.querySelector('[data-testid="new-rollout"]')).toBeNull();
  });
});
