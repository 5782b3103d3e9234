import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { NEVER } from 'rxjs';

import { Alert } from '../../core/api/models';
import { LiveEvents } from '../../core/live/live-events';
import { setUpPage, signIn } from '../../testing/page-setup';
import { AlertsPage } from './alerts-page';

const MON = '/api/monitoring/v1';

describe('AlertsPage', () => {
  beforeEach(() => {
    setUpPage(AlertsPage, { provide: LiveEvents, useValue: { on: () => NEVER, connected: () => true } });
    signIn(['operator'], 'olga', 's');
  });

  it('links a paused rollout\'s alert to its rollout and a device\'s alert to its device', async () => {
    const http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(AlertsPage);
    fixture.detectChanges();
    const paused: Alert = { id: 'a-1', type: 'ROLLOUT_PAUSED', customerId: 'c', rolloutId: 'ro-1', subject: 'ro-1',
      detail: 'Error threshold crossed in group 2', state: 'OPEN', openedAt: new Date().toISOString() };
    const offline: Alert = { id: 'a-2', type: 'DEVICE_OFFLINE', customerId: 'c', deviceId: 'd-1', subject: 'press-1', state: 'OPEN',
      openedAt: new Date().toISOString() };
    http.expectOne(r => r.url === `${MON}/alerts`).flush({ items: [paused, offline] });
    for (const r of http.match(r => r.url !== `${MON}/alerts`)) {
      r.flush({ title: 'Not found' }, { status: 404, statusText: 'Not Found' });
    }
    fixture.detectChanges();
    await fixture.whenStable();
    const page = fixture.nativeElement as HTMLElement;

    const rolloutAlert = page.querySelector('[data-testid="alert-ROLLOUT_PAUSED"]')!;
    expect(rolloutAlert.textContent).toContain('Rollout paused');
    expect(rolloutAlert.querySelector('[data-testid="alert-rollout"]')?.getAttribute('href')).toBe('/rollouts/ro-1');
    const deviceAlert = page.querySelector('[data-testid="alert-DEVICE_OFFLINE"]')!;
    expect(deviceAlert.querySelector('[data-testid="alert-rollout"]')).toBeNull();
    expect(deviceAlert.querySelector('a')?.getAttribute('href')).toBe('/devices/d-1');
  });
});
