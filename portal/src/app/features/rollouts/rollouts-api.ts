import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import {
  Environment, Page, Promotion, Rollout, RolloutDevice, RolloutDeviceEvent, RolloutDeviceStatus, RolloutPlan, RolloutPreview,
  RolloutRequest, RolloutStatus,
} from '../../core/api/models';
import { params } from '../../core/api/params';

const API = '/api/devices/v1';

export interface RolloutFilter {
  customerId?: string | null; environment?: Environment | null; status?: RolloutStatus | null; cursor?: string | null; limit?: number;
}

/** The operator transitions of a rollout (each answers the changed rollout, or 409 ROLLOUT_STATE). */
export type RolloutAction = 'pause' | 'resume' | 'continue' | 'cancel';

/** device-management's phased rollouts, as the portal uses them. */
@Injectable({ providedIn: 'root' })
export class RolloutsApi {
  private readonly http = inject(HttpClient);

  list(filter: RolloutFilter): Observable<Page<Rollout>> {
    return this.http.get<Page<Rollout>>(`${API}/rollouts`, { params: params({ ...filter, limit: filter.limit ?? 50 }) });
  }

  get(id: string): Observable<Rollout> {
    return this.http.get<Rollout>(`${API}/rollouts/${encodeURIComponent(id)}`);
  }

  /** Which devices would fall into which group; nothing is written. */
  preview(request: RolloutRequest): Observable<RolloutPreview> {
    return this.http.post<RolloutPreview>(`${API}/rollouts/preview`, request);
  }

  /** Starts a rollout at once (TESTING only: STAGING and PRODUCTION answer 409 PROMOTION_REQUIRED). */
  create(request: RolloutRequest): Observable<Rollout> {
    return this.http.post<Rollout>(`${API}/rollouts`, request);
  }

  /** A four-eyes promotion into STAGING/PRODUCTION that starts this plan once approved; the release is the source's pin. */
  requestPromotion(targetEnvironment: Environment, rollout: RolloutPlan, customerId?: string): Observable<Promotion> {
    return this.http.post<Promotion>(`${API}/promotions`, { targetEnvironment, rollout, ...(customerId ? { customerId } : {}) });
  }

  devices(id: string, filter: { status?: RolloutDeviceStatus | null; group?: number | null; cursor?: string | null; limit?: number })
    : Observable<Page<RolloutDevice>> {
    return this.http.get<Page<RolloutDevice>>(`${API}/rollouts/${encodeURIComponent(id)}/devices`,
      { params: params({ ...filter, limit: filter.limit ?? 20 }) });
  }

  events(id: string, deviceId: string): Observable<RolloutDeviceEvent[]> {
    return this.http.get<RolloutDeviceEvent[]>(`${API}/rollouts/${encodeURIComponent(id)}/devices/${encodeURIComponent(deviceId)}/events`);
  }

  act(id: string, action: RolloutAction, reason: string | null): Observable<Rollout> {
    return this.http.post<Rollout>(`${API}/rollouts/${encodeURIComponent(id)}/${action}`, reason ? { reason } : {});
  }

  /** A new rollout (one group of 100 %) that returns the delivered devices to the previous release. */
  rollback(id: string): Observable<Rollout> {
    return this.http.post<Rollout>(`${API}/rollouts/${encodeURIComponent(id)}/rollback`, {});
  }
}
