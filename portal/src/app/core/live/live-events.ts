import { Injectable, NgZone, effect, inject, signal } from '@angular/core';
import { Observable, Subject, filter } from 'rxjs';

import { Session } from '../auth/session';

/** One event of monitoring's live stream (Server-Sent Events). */
export interface LiveEvent { id: string; type: string; data: any; }

/** First wait before a stream that was refused is opened again (plus up to as much at random). */
const RETRY_MS = 5_000;

const TYPES = ['device.online', 'device.offline', 'alert.opened', 'alert.resolved', 'service.down', 'service.up'];

/**
 * One EventSource for the whole app on {@code /api/monitoring/v1/events/stream}, scoped to the
 * platform admin's chosen customer. The browser reconnects by itself and sends Last-Event-ID, so
 * monitoring replays what was missed. It gives up for good when an answer is not a stream (a 503
 * while monitoring restarts, a 429): then this opens a new one after a while. A stream that another
 * tab of the same user replaced (monitoring keeps a few per user) stays closed, so tabs do not take
 * the place from each other in turn.
 */
@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly session = inject(Session);
  private readonly zone = inject(NgZone);
  private readonly events = new Subject<LiveEvent>();
  private source: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;

  readonly connected = signal(false);

  constructor() {
    effect(() => {
      const me = this.session.me();
      const scope = this.session.customerScope();
      this.close();
      if (me && typeof EventSource !== 'undefined') {
        this.open(scope);
      }
    });
  }

  /** @returns the events of these types */
  on(...types: string[]): Observable<LiveEvent> {
    return this.events.pipe(filter(event => types.includes(event.type)));
  }

  private open(customerId: string | null): void {
    const url = '/api/monitoring/v1/events/stream' + (customerId ? `?customerId=${encodeURIComponent(customerId)}` : '');
    const source = new EventSource(url, { withCredentials: true });
    source.onopen = () => this.connected.set(true);
    source.onerror = () => {
      this.connected.set(source.readyState === EventSource.OPEN);
      if (source.readyState === EventSource.CLOSED && this.source === source && this.retry === null) {
        this.retry = setTimeout(() => {
          this.retry = null;
          if (this.source === source) {
            this.open(customerId);
          }
        }, RETRY_MS + Math.random() * RETRY_MS);
      }
    };
    source.addEventListener('stream.closed', message => {
      let reason = '';
      try {
        reason = JSON.parse((message as MessageEvent<string>).data).reason;
      } catch {
        reason = '';
      }
      if (reason === 'REPLACED' && this.source === source) {
        source.close();
        this.connected.set(false);
      }
    });
    for (const type of TYPES) {
      source.addEventListener(type, message => {
        const event = message as MessageEvent<string>;
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          data = event.data;
        }
        this.zone.run(() => this.events.next({ id: event.lastEventId, type, data }));
      });
    }
    this.source = source;
  }

  private close(): void {
    if (this.retry !== null) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    this.source?.close();
    this.source = null;
    this.connected.set(false);
  }
}
