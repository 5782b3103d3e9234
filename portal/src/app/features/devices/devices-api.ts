import { HttpClient, HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, map } from 'rxjs';

import {
  AuditEntry, Certificate, Connectivity, Device, DeviceMove, DeviceStatus, Environment, HeartbeatPoint, Lifecycle, Page, Pin, Promotion,
  Release, ReportedContainers, SummaryRow,
} from '../../core/api/models';
import { params } from '../../core/api/params';

export interface DeviceFilter {
  customerId?: string | null; q?: string | null; environment?: Environment | null; lifecycle?: Lifecycle | null;
  connectivity?: Connectivity | null; machineId?: string | null; label?: string[]; sort?: string | null; cursor?: string | null;
  limit?: number;
}

/** A device with the version the API sent as ETag, for If-Match on changes. */
export interface Versioned<T> { body: T; etag: string; }

const DEVICES = '/api/devices/v1';

@Injectable({ providedIn: 'root' })
export class DevicesApi {
  private readonly http = inject(HttpClient);

  list(filter: DeviceFilter): Observable<Page<Device>> {
    return this.http.get<Page<Device>>(`${DEVICES}/devices`, { params: params({ ...filter, limit: filter.limit ?? 50 }) });
  }

  get(id: string): Observable<Versioned<Device>> {
    return this.http.get<Device>(`${DEVICES}/devices/${encodeURIComponent(id)}`, { observe: 'response' }).pipe(map(versioned));
  }

  move(id: string, etag: string, environment: Environment): Observable<Versioned<Device>> {
    return this.http.post<Device>(`${DEVICES}/devices/${encodeURIComponent(id)}/environment`, { environment },
      { observe: 'response', headers: { 'If-Match': etag } }).pipe(map(versioned));
  }

  /**
   * Asks to move a device down out of STAGING or PRODUCTION; the device changes only when another
   * customer admin approves. The ETag makes the request fail (412) if the page showed an old device.
   */
  requestMove(deviceId: string, etag: string, targetEnvironment: Environment): Observable<DeviceMove> {
    return this.http.post<DeviceMove>(`${DEVICES}/moves`, { deviceId, targetEnvironment }, { headers: etag ? { 'If-Match': etag } : {} });
  }

  /** Move requests, newest first (the first page: open requests are few and recent). */
  moves(customerId: string | null, limit = 200): Observable<Page<DeviceMove>> {
    return this.http.get<Page<DeviceMove>>(`${DEVICES}/moves`, { params: params({ customerId, limit }) });
  }

  decideMove(id: string, approve: boolean, reason: string | null): Observable<DeviceMove> {
    return this.http.post<DeviceMove>(`${DEVICES}/moves/${encodeURIComponent(id)}/${approve ? 'approve' : 'reject'}`, reason ? { reason } : {});
  }

  promotions(customerId: string | null, limit = 200): Observable<Page<Promotion>> {
    return this.http.get<Page<Promotion>>(`${DEVICES}/promotions`, { params: params({ customerId, limit }) });
  }

  decommission(id: string, etag: string): Observable<Versioned<Device>> {
    return this.http.post<Device>(`${DEVICES}/devices/${encodeURIComponent(id)}/decommission`, {},
      { observe: 'response', headers: { 'If-Match': etag } }).pipe(map(versioned));
  }

  overrideRelease(id: string, etag: string, releaseId: string | null): Observable<Versioned<Device>> {
    const url = `${DEVICES}/devices/${encodeURIComponent(id)}/release-override`;
    const options = { observe: 'response' as const, headers: { 'If-Match': etag } };
    return (releaseId ? this.http.put<Device>(url, { releaseId }, options) : this.http.delete<Device>(url, options)).pipe(map(versioned));
  }

  containers(id: string): Observable<ReportedContainers> {
    return this.http.get<ReportedContainers>(`${DEVICES}/devices/${encodeURIComponent(id)}/containers`);
  }

  summary(customerId: string | null): Observable<SummaryRow[]> {
    return this.http.get<SummaryRow[]>(`${DEVICES}/fleet/summary`, { params: params({ customerId }) });
  }

  pins(customerId: string | null): Observable<Pin[]> {
    return this.http.get<Pin[]>(`${DEVICES}/environments`, { params: params({ customerId }) });
  }

  releases(customerId: string | null, limit = 100): Observable<Page<Release>> {
    return this.http.get<Page<Release>>(`${DEVICES}/releases`, { params: params({ customerId, limit }) });
  }

  audit(customerId: string | null, entityId: string): Observable<Page<AuditEntry>> {
    return this.http.get<Page<AuditEntry>>(`${DEVICES}/audit`, { params: params({ customerId, entityId, limit: 50 }) });
  }

  status(id: string): Observable<DeviceStatus> {
    return this.http.get<DeviceStatus>(`/api/monitoring/v1/devices/${encodeURIComponent(id)}/status`);
  }

  heartbeats(id: string): Observable<HeartbeatPoint[]> {
    return this.http.get<HeartbeatPoint[]>(`/api/monitoring/v1/devices/${encodeURIComponent(id)}/heartbeats`);
  }

  certificates(id: string): Observable<Certificate[]> {
    return this.http.get<Certificate[]>(`/api/onboarding/v1/devices/${encodeURIComponent(id)}/certificates`);
  }
}

function versioned<T>(response: HttpResponse<T>): Versioned<T> {
  return { body: response.body as T, etag: response.headers.get('ETag') ?? '' };
}
