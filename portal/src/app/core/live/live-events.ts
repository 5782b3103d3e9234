import { Injectable, NgZone, effect, inject, signal } from '@angular/core';
import { Observable, Subject, filter } from 'rxjs';

import { Session } from '../auth/session';

/** One event of monitoring's live stream (Server-Sent Events). */
export interface LiveEvent { id: string; type: string; data: any; }

const TYPES = ['device.online', 'device.offline', 'alert.opened', 'alert.resolved', 'service.down', 'service.up'];

/**
 * One EventSource for the whole app on {@code /api/monitoring/v1/events/stream}, scoped to the
 * platform admin's chosen customer. The browser reconnects by itself and sends Last-Event-ID, so
 * monitoring replays what was missed.
 */
@Injectable({ providedIn: 'root' })
export class LiveEvents {
  private readonly session = inject(Session);
  private readonly zone = inject(NgZone);
  private readonly events = new Subject<LiveEvent>();
  private source: EventSource | null = null;

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
    source.onerror = () => this.connected.set(source.readyState === EventSource.OPEN);
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
    this.source?.close();
    this.source = null;
    this.connected.set(false);
  }
}
