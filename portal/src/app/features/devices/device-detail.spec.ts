import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { NEVER } from 'rxjs';

import { Device, DeviceMove, Environment, Promotion, Release } from '../../core/api/models';
import { LiveEvents } from '../../core/live/live-events';
import { setUpPage, signIn } from '../../testing/page-setup';
import { DeviceDetail } from './device-detail';

const API = '/api/devices/v1';

function device(environment: Environment, releaseOverride: string | null = null): Device {
  return { id: 'd-1', customerId: 'c', name: 'press-7', environment, lifecycle: 'ACTIVE', connectivity: 'ONLINE', releaseOverride,
    version: 4, createdAt: '2026-01-01T00:00:00Z', createdBy: 'olga', updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'olga' };
}

function release(id: string, name: string): Release {
  return { id, customerId: 'c', name, containers: [], createdAt: '2026-01-01T00:00:00Z', createdBy: 'olga' };
}

const approvedForStaging: Promotion = { id: 'p-1', customerId: 'c', targetEnvironment: 'STAGING', basisEnvironment: 'TESTING',
  basisRevision: 1, releaseId: 'r-promoted', rollback: false, status: 'APPROVED', requestedBy: 'olga', requestedAt: '2026-01-01T00:00:00Z' };

function move(status = 'REQUESTED'): DeviceMove {
  return { id: 'm-1', customerId: 'c', deviceId: 'd-1', fromEnvironment: 'STAGING', targetEnvironment: 'TESTING', basisVersion: 4,
    status, requestedBy: 'olga', requestedAt: new Date().toISOString() };
}

describe('DeviceDetail', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<DeviceDetail>;

  async function settle(): Promise<void> {
    fixture.detectChanges();
    await fixture.whenStable();
  }

  beforeEach(() => {
    http = setUpPage(DeviceDetail, { provide: LiveEvents, useValue: { on: () => NEVER, connected: () => true } });
    signIn(['operator']);
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach(e => e.remove()));

  /** Opens the page of a device and answers every call it makes (what is not listed: 404, which the page tolerates). */
  async function open(d: Device, moves: DeviceMove[] = []): Promise<HTMLElement> {
    fixture = TestBed.createComponent(DeviceDetail);
    fixture.componentRef.setInput('id', d.id);
    fixture.detectChanges();
    http.expectOne(`${API}/devices/d-1`).flush(d, { headers: { ETag: `"${d.version}"` } });
    const answers: Record<string, unknown> = {
      [`${API}/environments`]: [{ customerId: 'c', environment: 'STAGING', releaseId: 'r-pinned', revision: 2 }],
      [`${API}/releases`]: { items: [release('r-pinned', '2026.1'), release('r-promoted', '2026.2'), release('r-new', '2026.3')] },
      [`${API}/promotions`]: { items: [approvedForStaging] },
      [`${API}/moves`]: { items: moves },
    };
    for (const request of http.match(() => true)) {
      const body = answers[request.request.url];
      if (body === undefined) {
        request.flush({ title: 'Not found', code: 'NOT_FOUND' }, { status: 404, statusText: 'Not Found' });
      } else {
        request.flush(body);
      }
    }
    await settle();
    return fixture.nativeElement as HTMLElement;
  }

  async function choose(page: HTMLElement, select: string, option: string): Promise<void> {
    (page.querySelector(`[data-testid="${select}"] .mat-mdc-select-trigger`) as HTMLElement).click();
    await settle();
    const match = [...document.querySelectorAll('mat-option')].find(o => o.textContent?.trim().startsWith(option)) as HTMLElement;
    expect(match, `option ${option}`).toBeTruthy();
    match.click();
    await settle();
  }

  function button(page: HTMLElement, testId: string): HTMLButtonElement {
    return page.querySelector(`[data-testid="${testId}"]`) as HTMLButtonElement;
  }

  it('requests a move down out of STAGING for a second person to approve, says why, and shows it waiting', async () => {
    const page = await open(device('STAGING'));
    expect(page.querySelector('[data-testid="move-hint"]')).toBeNull();
    await choose(page, 'environment-select', 'Testing');
    expect(button(page, 'move').textContent).toContain('Request move');
    expect(page.querySelector('[data-testid="move-hint"]')?.textContent).toContain('Moving down from Staging to Testing needs a second person');
    expect(button(page, 'move').getAttribute('aria-describedby')).toBe('move-hint');

    button(page, 'move').click();
    http.expectNone(`${API}/devices/d-1/environment`);
    const request: TestRequest = http.expectOne(`${API}/moves`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ deviceId: 'd-1', targetEnvironment: 'TESTING' });
    expect(request.request.headers.get('If-Match')).toBe('"4"');
    request.flush(move(), { status: 201, statusText: 'Created' });
    await settle();

    expect(page.querySelector('[data-testid="pending-move"]')?.textContent)
      .toContain('Move to Testing requested by olga; waiting for another customer admin\'s approval.');
  });

  it('moves a device up at once, with the ETag it was shown', async () => {
    const page = await open(device('STAGING'));
    await choose(page, 'environment-select', 'Production');
    expect(button(page, 'move').textContent).not.toContain('Request');
    expect(page.querySelector('[data-testid="move-hint"]')).toBeNull();
    button(page, 'move').click();
    http.expectNone(`${API}/moves`);
    const request = http.expectOne(`${API}/devices/d-1/environment`);
    expect(request.request.body).toEqual({ environment: 'PRODUCTION' });
    expect(request.request.headers.get('If-Match')).toBe('"4"');
  });

  it('marks releases not approved for the device\'s environment and explains RELEASE_NOT_APPROVED next to the override', async () => {
    const page = await open(device('STAGING'));
    (page.querySelector('[data-testid="override-select"] .mat-mdc-select-trigger') as HTMLElement).click();
    await settle();
    const options = [...document.querySelectorAll('mat-option')].map(o => o.textContent?.replace(/\s+/g, ' ').trim());
    expect(options).toEqual(['2026.1', '2026.2', '2026.3 (not approved for Staging)']);
    (document.querySelectorAll('mat-option')[2] as HTMLElement).click();
    await settle();

    button(page, 'set-override').click();
    const request = http.expectOne(`${API}/devices/d-1/release-override`);
    expect(request.request.body).toEqual({ releaseId: 'r-new' });
    request.flush({ title: 'Release not approved', code: 'RELEASE_NOT_APPROVED', detail: 'x' }, { status: 409, statusText: 'Conflict' });
    await settle();

    const error = page.querySelector('[data-testid="release-error"]');
    expect(error?.getAttribute('role')).toBe('alert');
    expect(error?.textContent).toContain('2026.3 is not approved for Staging');
    expect(error?.textContent).toContain('promote the release first');
  });

  it('shows a viewer the waiting move but no action', async () => {
    signIn(['viewer'], 'vera');
    const page = await open(device('STAGING'), [move()]);
    expect(page.querySelector('[data-testid="pending-move"]')?.textContent).toContain('Move to Testing requested by olga');
    expect(button(page, 'move')).toBeNull();
    expect(button(page, 'set-override')).toBeNull();
  });
});
