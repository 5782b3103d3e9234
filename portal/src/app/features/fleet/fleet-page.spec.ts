import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatIconRegistry } from '@angular/material/icon';
import { DomSanitizer } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { Subject } from 'rxjs';

import { Session } from '../../core/auth/session';
import { LiveEvent, LiveEvents } from '../../core/live/live-events';
import { FleetPage, SETTLE_MS } from './fleet-page';

describe('FleetPage', () => {
  const events = new Subject<LiveEvent>();

  beforeEach(() => {
    vi.useFakeTimers();
    TestBed.configureTestingModule({
      imports: [FleetPage],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([]),
        { provide: LiveEvents, useValue: { on: () => events.asObservable(), connected: () => true } }],
    });
    const registry = TestBed.inject(MatIconRegistry);
    registry.addSvgIconLiteral('refresh', TestBed.inject(DomSanitizer).bypassSecurityTrustHtml('<svg></svg>'));
    TestBed.inject(Session).me.set({ subject: 's', username: 'olga', roles: ['operator'], customerId: 'c', platformAdmin: false, authenticatedBy: 'session' });
  });

  afterEach(() => vi.useRealTimers());

  function flushSummary(http: HttpTestingController, online: number): void {
    for (const request of http.match('/api/devices/v1/fleet/summary')) {
      request.flush([{ environment: 'TESTING', connectivity: online ? 'ONLINE' : 'UNKNOWN', lifecycle: 'ACTIVE', devices: 1 }]);
    }
    for (const request of http.match(r => r.url === '/api/monitoring/v1/alerts')) {
      request.flush({ items: [] });
    }
  }

  it('counts a device that went online after a live event, also when device-management learns it late', async () => {
    const fixture = TestBed.createComponent(FleetPage);
    const http = TestBed.inject(HttpTestingController);
    fixture.detectChanges();
    await vi.advanceTimersByTimeAsync(1);
    flushSummary(http, 0);
    fixture.detectChanges();
    const online = () => (fixture.nativeElement as HTMLElement).querySelector('[data-testid="count-online"]')?.textContent;
    expect(online()).toBe('0');

    events.next({ id: '1', type: 'device.online', data: { deviceId: 'd', at: new Date().toISOString() } });
    await vi.advanceTimersByTimeAsync(500);
    flushSummary(http, 0);                         // the relay has not reached device-management yet
    await vi.advanceTimersByTimeAsync(SETTLE_MS[0]);
    flushSummary(http, 1);                         // now it has
    fixture.detectChanges();
    expect(online()).toBe('1');
    expect((fixture.nativeElement as HTMLElement).querySelector('[data-testid="activity"]')?.textContent).toContain('Online');
  });
});
