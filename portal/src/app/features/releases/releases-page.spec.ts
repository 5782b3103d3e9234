import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { DeviceMove, Promotion } from '../../core/api/models';
import { setUpPage, signIn } from '../../testing/page-setup';
import { ReleasesPage } from './releases-page';

const API = '/api/devices/v1';

function move(id: string, deviceId: string, requestedBy: string, status = 'REQUESTED'): DeviceMove {
  return { id, customerId: 'c', deviceId, fromEnvironment: 'PRODUCTION', targetEnvironment: 'TESTING', basisVersion: 2, status,
    requestedBy, requestedAt: new Date().toISOString() };
}

describe('ReleasesPage approvals inbox', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ReleasesPage>;

  beforeEach(() => {
    http = setUpPage(ReleasesPage);
  });

  async function open(username: string, roles: string[], moves: DeviceMove[], promotions: Promotion[] = []): Promise<HTMLElement> {
    signIn(roles, username);
    fixture = TestBed.createComponent(ReleasesPage);
    fixture.detectChanges();
    await fixture.whenStable();
    http.expectOne(r => r.url === `${API}/environments`).flush([]);
    http.expectOne(r => r.url === `${API}/releases`).flush({ items: [] });
    http.expectOne(r => r.url === `${API}/applications`).flush({ items: [] });
    http.expectOne(r => r.url === `${API}/promotions`).flush({ items: promotions });
    http.expectOne(r => r.url === `${API}/moves`).flush({ items: moves });
    // The inbox names the devices of open requests (a decided one is not asked for).
    for (const request of http.match(r => r.url.startsWith(`${API}/devices/`))) {
      const id = request.request.url.split('/').pop()!;
      request.flush({ id, name: 'press-' + id });
    }
    fixture.detectChanges();
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('lists open move requests with the device; the requester\'s own approve button is off and says why', async () => {
    const page = await open('anna', ['customer-admin'], [move('m-1', 'd-1', 'anna'), move('m-2', 'd-2', 'anna', 'APPROVED')]);
    const item = page.querySelector('[data-testid="move-d-1"]')!;
    expect(item.textContent).toContain('press-d-1');
    expect(item.textContent).toContain('Production');
    const approve = item.querySelector('button') as HTMLButtonElement;
    expect(approve.disabled).toBe(true);
    const why = page.querySelector('#' + approve.getAttribute('aria-describedby'));
    expect(why?.textContent).toContain('You requested this move; another customer admin must approve it (four eyes).');
    expect(page.querySelector('[data-testid="move-d-2"]')).toBeNull();
    expect(page.textContent).not.toContain('Nothing waits for approval.');
  });

  it('lets another customer admin approve a move, which moves the device', async () => {
    const page = await open('bert', ['customer-admin'], [move('m-1', 'd-1', 'anna')]);
    (page.querySelector('[data-testid="move-d-1"] [data-testid="approve"]') as HTMLButtonElement).click();
    const request = http.expectOne(`${API}/moves/m-1/approve`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({});
  });

  it('shows an operator the request but no decision', async () => {
    const page = await open('otto', ['operator'], [move('m-1', 'd-1', 'anna')]);
    const item = page.querySelector('[data-testid="move-d-1"]')!;
    expect(item.querySelector('button')).toBeNull();
    expect(item.textContent).toContain('Approving needs the role "customer-admin".');
  });

  const plan = { groups: [{ size: '10%' }, { size: '90%' }], successThreshold: 95, errorThreshold: 5, groupTimeout: 'PT30M', advance: 'MANUAL' as const };
  function promotion(id: string, status: string, rolloutId: string | null, rollout: Promotion['rollout']): Promotion {
    return { id, customerId: 'c', targetEnvironment: 'STAGING', basisEnvironment: 'TESTING', basisRevision: 1, releaseId: 'r-1', rollback: false,
      status, requestedBy: 'anna', requestedAt: new Date().toISOString(), rollout, rolloutId };
  }

  it('shows a promotion\'s rollout plan to the approver and in the history, and links to its rollout once approved', async () => {
    const page = await open('bert', ['customer-admin'], [], [promotion('p-1', 'REQUESTED', null, plan),
      promotion('p-2', 'APPROVED', 'ro-9', plan), promotion('p-3', 'APPROVED', null, null)]);
    expect(page.querySelector('[data-testid="approval-STAGING"] [data-testid="approval-plan"]')?.textContent)
      .toContain('Phased rollout: 2 groups: 10% · rest · manual');
    expect(page.querySelector('[data-testid="promotion-plan-p-1"]')?.textContent).toContain('2 groups: 10% · rest · manual');
    expect(page.querySelector('[data-testid="promotion-rollout-p-1"]')).toBeNull();
    expect(page.querySelector('[data-testid="promotion-rollout-p-2"]')?.getAttribute('href')).toBe('/rollouts/ro-9');
    expect(page.querySelector('[data-testid="promotion-plan-p-3"]')?.textContent).toContain('all at once');
  });

  it('offers an operator a phased rollout per environment, a viewer not', async () => {
    const page = await open('otto', ['operator'], []);
    expect(page.querySelector('[data-testid="phased-PRODUCTION"]')?.getAttribute('href')).toBe('/rollouts/new?environment=PRODUCTION');
    expect(page.querySelector('[data-testid="phased-TESTING"]')?.getAttribute('href')).toBe('/rollouts/new?environment=TESTING');
    fixture.destroy();
    const viewer = await open('vera', ['viewer'], []);
    expect(viewer.querySelector('[data-testid^="phased-"]')).toBeNull();
  });
});
