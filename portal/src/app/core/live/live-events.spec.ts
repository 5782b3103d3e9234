import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { Session } from '../auth/session';
import { LiveEvents } from './live-events';

/** A stand-in for the browser's EventSource that the test drives. */
class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly listeners = new Map<string, ((message: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (message: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }

  /** What a browser does when the answer is not a stream (429, 503): it gives up for good. */
  refused(): void {
    this.readyState = FakeEventSource.CLOSED;
    this.onerror?.();
  }

  emit(type: string, data: string): void {
    for (const listener of this.listeners.get(type) ?? []) {
      listener({ data, lastEventId: '' } as MessageEvent<string>);
    }
  }
}

describe('LiveEvents', () => {
  const original = globalThis.EventSource;

  beforeEach(() => {
    vi.useFakeTimers();
    FakeEventSource.opened = [];
    (globalThis as any).EventSource = FakeEventSource;
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    TestBed.inject(Session).me.set({ subject: 's', username: 'u', roles: ['viewer'], customerId: 'c-1',
      platformAdmin: false, authenticatedBy: 'session' });
  });

  afterEach(() => {
    vi.useRealTimers();
    (globalThis as any).EventSource = original;
  });

  function start(): LiveEvents {
    const live = TestBed.inject(LiveEvents);
    TestBed.tick();
    expect(FakeEventSource.opened).toHaveLength(1);
    return live;
  }

  it('opens a new stream a while after one was refused, instead of staying offline for good', () => {
    const live = start();
    FakeEventSource.opened[0].refused();
    expect(live.connected()).toBe(false);
    vi.advanceTimersByTime(4_000);
    expect(FakeEventSource.opened).toHaveLength(1);
    vi.advanceTimersByTime(7_000);
    expect(FakeEventSource.opened).toHaveLength(2);
    FakeEventSource.opened[1].open();
    expect(live.connected()).toBe(true);
  });

  it('leaves a stream that another tab replaced closed, so tabs do not take turns', () => {
    const live = start();
    const first = FakeEventSource.opened[0];
    first.open();
    first.emit('stream.closed', '{"reason":"REPLACED"}');
    expect(first.readyState).toBe(FakeEventSource.CLOSED);
    expect(live.connected()).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('lets the browser reconnect a stream that ended for another reason', () => {
    start();
    const first = FakeEventSource.opened[0];
    first.open();
    first.emit('stream.closed', '{"reason":"TOKEN_EXPIRED"}');
    expect(first.readyState).toBe(FakeEventSource.OPEN);
  });
});
