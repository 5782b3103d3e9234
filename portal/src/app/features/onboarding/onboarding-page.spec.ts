import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { OnboardingToken } from '../../core/api/models';
import { setUpPage, signIn } from '../../testing/page-setup';
import { OnboardingPage } from './onboarding-page';

const TOKENS = '/api/onboarding/v1/tokens';

describe('OnboardingPage', () => {
  beforeEach(() => {
    setUpPage(OnboardingPage);
    signIn(['operator'], 'olga', 's');
  });

  it('never sends a device id (the server assigns it: a caller-chosen id is 400) and links to the id it answered', async () => {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(OnboardingPage);
    fixture.detectChanges();
    await fixture.whenStable();
    http.expectOne(r => r.url === TOKENS && r.method === 'GET').flush({ items: [] });
    http.expectOne(r => r.url === '/api/masterdata/v1/machines').flush({ items: [] });
    const page = fixture.nativeElement as HTMLElement;

    const name = page.querySelector('[data-testid="token-device-name"]') as HTMLInputElement;
    name.value = 'press-7';
    name.dispatchEvent(new Event('input'));
    await fixture.whenStable();
    (page.querySelector('[data-testid="create-token"]') as HTMLButtonElement).click();

    const create = http.expectOne(r => r.url === TOKENS && r.method === 'POST');
    const body = create.request.body as Record<string, unknown>;
    const sent = Object.keys(body).filter(key => body[key] !== undefined).sort();
    expect(sent).toEqual(['deviceName', 'environment', 'lifetime']);
    expect(body['deviceName']).toBe('press-7');
    const token: OnboardingToken = { id: 't-1', token: 'edp_ot_secret', deviceId: 'server-assigned-id', customerId: 'c', deviceName: 'press-7',
      environment: 'TESTING', status: 'ACTIVE', expiresAt: '2026-01-02T00:00:00Z', createdAt: '2026-01-01T00:00:00Z', createdBy: 'olga' };
    create.flush(token, { status: 201, statusText: 'Created' });
    http.expectOne(r => r.url === TOKENS && r.method === 'GET').flush({ items: [token] });
    fixture.detectChanges();
    await fixture.whenStable();

    const links = [...page.querySelectorAll('a')].filter(a => a.textContent?.includes('press-7'));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(link.getAttribute('href')).toBe('/devices/server-assigned-id');
    }
  });
});
