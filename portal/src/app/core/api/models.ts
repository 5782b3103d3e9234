/** Shapes of the platform's REST API as the portal uses them (see each service's README). */

export interface Page<T> { items: T[]; nextCursor?: string | null; }

export type Role = 'viewer' | 'operator' | 'customer-admin' | 'platform-admin';
export type Environment = 'TESTING' | 'STAGING' | 'PRODUCTION';
export type Lifecycle = 'PENDING_ONBOARDING' | 'ACTIVE' | 'DECOMMISSIONED';
export type Connectivity = 'ONLINE' | 'OFFLINE' | 'UNKNOWN';
export const ENVIRONMENTS: Environment[] = ['TESTING', 'STAGING', 'PRODUCTION'];
export const LIFECYCLES: Lifecycle[] = ['PENDING_ONBOARDING', 'ACTIVE', 'DECOMMISSIONED'];
export const CONNECTIVITIES: Connectivity[] = ['ONLINE', 'OFFLINE', 'UNKNOWN'];

/**
 * Whether moving a device from one environment to another goes down (PRODUCTION → STAGING/TESTING,
 * STAGING → TESTING): such a move is a four-eyes request (POST /moves), never a direct change.
 */
export function isDownward(from: Environment, to: Environment): boolean {
  return ENVIRONMENTS.indexOf(to) < ENVIRONMENTS.indexOf(from);
}

export interface Me {
  subject: string; username: string; name?: string | null; email?: string | null; roles: string[];
  customerId?: string | null; platformAdmin: boolean; authenticatedBy: string;
}

export interface Customer {
  id: string; name: string; code: string; contactEmail: string; status: 'ACTIVE' | 'DEACTIVATED';
  version: number; createdAt: string; createdBy: string; updatedAt: string; updatedBy: string;
}

export interface User {
  id: string; customerId: string; username: string; email: string; firstName: string; lastName: string;
  role: Role; enabled: boolean; createdAt: string;
}
export interface CreatedUser { user: User; invitation: string; oneTimePassword?: string | null; }

export type MachineType = 'INJECTION_MOULDING' | 'CNC' | 'ASSEMBLY' | 'OTHER';
export const MACHINE_TYPES: MachineType[] = ['INJECTION_MOULDING', 'CNC', 'ASSEMBLY', 'OTHER'];
export interface Machine {
  id: string; customerId: string; name: string; type: MachineType; manufacturer?: string | null; model?: string | null;
  serialNumber: string; site?: string | null; location?: string | null; commissioningDate?: string | null;
  labels?: Record<string, string> | null; version: number; createdAt: string;
}

export interface Device {
  id: string; customerId: string; name: string; environment: Environment; machineId?: string | null;
  labels?: Record<string, string> | null; lifecycle: Lifecycle; certificateSerial?: string | null;
  certificateNotAfter?: string | null; agentVersion?: string | null; osVersion?: string | null;
  connectivity: Connectivity; connectivitySince?: string | null; releaseOverride?: string | null; version: number;
  createdAt: string; createdBy: string; updatedAt: string; updatedBy: string;
}

export interface ContainerReport { name: string; image?: string | null; state: string; message?: string | null; }
export interface ReportedContainers { deviceId: string; reportedAt?: string | null; releaseId?: string | null; containers: ContainerReport[]; }
export const CONTAINER_STATES = ['reconciling', 'not ready', 'ready', 'reconciliation failed', 'deleting'] as const;

export interface SummaryRow { environment: Environment; connectivity: Connectivity; lifecycle?: Lifecycle; devices: number; }

export interface Usage { usedBytes: number; totalBytes: number; }
export interface DeviceStatus {
  deviceId: string; customerId: string; connectivity: 'ONLINE' | 'OFFLINE'; connectivityChangedAt?: string | null;
  lastSeen?: string | null; uptimeSeconds: number; agentVersion?: string | null; osVersion?: string | null;
  cpuLoad: number; memory?: Usage | null; systemDisk?: Usage | null; containerDisk?: Usage | null;
  containers?: { running: number; total: number } | null; certificateNotAfter?: string | null;
}
export interface HeartbeatPoint {
  bucket: string; receivedAt: string; uptimeSeconds: number; cpuLoad: number; memory?: Usage | null;
  systemDisk?: Usage | null; containerDisk?: Usage | null;
}

export interface Application {
  id: string; customerId: string; name: string; imageRepository: string; ports?: string[] | null;
  env?: Record<string, string> | null; volumes?: string[] | null; restartPolicy?: string | null; createdAt: string;
}
export interface ReleaseContainer { applicationId?: string; application?: string; name?: string; image?: string; ports?: string[]; }
export interface Release { id: string; customerId: string; name: string; containers: ReleaseContainer[]; createdAt: string; createdBy: string; }
export interface Pin {
  customerId: string; environment: Environment; releaseId?: string | null; releaseName?: string | null; revision: number;
  pinnedAt?: string | null; pinnedBy?: string | null;
}
export interface Promotion {
  id: string; customerId: string; targetEnvironment: Environment; basisEnvironment: Environment; basisRevision: number;
  releaseId: string; rollback: boolean; status: 'REQUESTED' | 'APPROVED' | 'REJECTED' | string; requestedBy: string;
  requestedAt: string; decidedBy?: string | null; decidedAt?: string | null; reason?: string | null;
  /** The phased-rollout plan the approval starts instead of pinning at once (null: a plain promotion). */
  rollout?: RolloutPlan | null;
  /** The rollout the approval started. */
  rolloutId?: string | null;
}

/** Phased rollouts (device-management's /rollouts). */
export type RolloutStatus = 'RUNNING' | 'WAITING' | 'PAUSED' | 'SUCCEEDED' | 'CANCELLED' | 'ROLLED_BACK';
export const ROLLOUT_STATUSES: RolloutStatus[] = ['RUNNING', 'WAITING', 'PAUSED', 'SUCCEEDED', 'CANCELLED', 'ROLLED_BACK'];
/** No transition leaves these: the page stops refreshing. */
export const TERMINAL_ROLLOUT_STATUSES: RolloutStatus[] = ['SUCCEEDED', 'CANCELLED', 'ROLLED_BACK'];
export type RolloutAdvance = 'AUTO' | 'MANUAL';
export type RolloutGroupStatus = 'PENDING' | 'ACTIVE' | 'SUCCEEDED' | 'FAILED';
export type RolloutDeviceStatus = 'PENDING' | 'ASSIGNED' | 'RECONCILING' | 'READY' | 'FAILED' | 'TIMED_OUT';
export interface RolloutSelector { labels?: Record<string, string> | null; machineId?: string | null; }
/** One group of a plan: size "N%" (of all targets, rounded up) or a count "N"; the rest fall back to the rollout's values. */
export interface RolloutGroupPlan { size: string; successThreshold?: number | null; errorThreshold?: number | null; timeout?: string | null; }
/** How a rollout proceeds, without what it rolls out where (the body of POST /rollouts adds release, environment, customer). */
export interface RolloutPlan {
  selector?: RolloutSelector | null; groups: RolloutGroupPlan[]; successThreshold?: number | null; errorThreshold?: number | null;
  groupTimeout?: string | null; advance?: RolloutAdvance | null;
}
export interface RolloutRequest extends RolloutPlan { customerId?: string; releaseId: string; environment: Environment; }
export interface RolloutCounts { pending: number; assigned: number; reconciling: number; ready: number; failed: number; timedOut: number; }
export interface RolloutGroup {
  index: number; size: string; plannedSize: number; successThreshold: number; errorThreshold: number; timeout: string;
  status: RolloutGroupStatus; startedAt?: string | null; finishedAt?: string | null; counts: RolloutCounts;
}
export interface Rollout {
  id: string; customerId: string; releaseId: string; releaseName?: string | null; previousReleaseId?: string | null; environment: Environment;
  selector?: RolloutSelector | null; advance: RolloutAdvance; successThreshold: number; errorThreshold: number; groupTimeout: string;
  status: RolloutStatus; pauseReason?: string | null; promotionId?: string | null; rollbackOf?: string | null; total: number;
  excluded: number; activeGroup?: number | null; groups: RolloutGroup[]; createdAt: string; createdBy: string; updatedAt: string;
  updatedBy: string; version: number;
}
export interface RolloutPreview {
  total: number; excluded: number;
  groups: { index: number; size: number; sample: { deviceId: string; name: string; connectivity: Connectivity }[] }[];
}
export interface RolloutDevice {
  deviceId: string; deviceName: string; group: number; status: RolloutDeviceStatus; reason?: string | null; deliveredAt?: string | null;
  updatedAt: string;
}
export interface RolloutDeviceEvent { status: RolloutDeviceStatus; reason?: string | null; at: string; }

/** A four-eyes request to move a device down out of STAGING or PRODUCTION (device-management's /moves). */
export interface DeviceMove {
  id: string; customerId: string; deviceId: string; fromEnvironment: Environment; targetEnvironment: Environment;
  basisVersion: number; status: 'REQUESTED' | 'APPROVED' | 'REJECTED' | string; requestedBy: string; requestedAt: string;
  decidedBy?: string | null; decidedAt?: string | null; reason?: string | null;
}

export interface OnboardingToken {
  id: string; token?: string | null; deviceId: string; customerId: string; deviceName?: string | null;
  environment?: Environment | null; machineId?: string | null; status: string; expiresAt: string; createdAt: string;
  createdBy: string; usedAt?: string | null; revokedAt?: string | null;
}

export interface Certificate {
  serial: string; deviceId: string; customerId: string; notBefore: string; notAfter: string; status: string;
  revokedAt?: string | null; reason?: string | null; publicKeySha256?: string | null; renewedFrom?: string | null;
}

export type AlertType = 'DEVICE_OFFLINE' | 'DISK_FULL' | 'CERTIFICATE_EXPIRING' | 'DEPLOYMENT_FAILED' | 'ROLLOUT_PAUSED' | 'SERVICE_DOWN';
export const ALERT_TYPES: AlertType[] = ['DEVICE_OFFLINE', 'DISK_FULL', 'CERTIFICATE_EXPIRING', 'DEPLOYMENT_FAILED', 'ROLLOUT_PAUSED', 'SERVICE_DOWN'];
export interface Alert {
  id: string; type: AlertType; customerId?: string | null; deviceId?: string | null; rolloutId?: string | null; subject: string; detail?: string | null;
  state: 'OPEN' | 'RESOLVED'; openedAt: string; acknowledgedAt?: string | null; acknowledgedBy?: string | null;
  resolvedAt?: string | null; resolution?: string | null;
}
export interface AlertRule { type: AlertType; enabled: boolean; threshold?: number | null; unit?: string | null; customized: boolean; }
export interface AlertRules { customerId: string; rules: AlertRule[]; }

export interface Channel {
  id: string; customerId: string; name: string; type: 'EMAIL' | 'WEBHOOK'; emails?: string[] | null; url?: string | null;
  createdAt: string; secret?: string | null;
}

export interface ServiceHealth { service: string; instance: string; url: string; up: boolean; detail?: string | null; since: string; lastCheck: string; }
export interface ServiceHealthEntry { id: number; service: string; instance: string; url: string; up: boolean; transition: boolean; detail?: string | null; checkedAt: string; }

export interface AuditEntry { id: string; customerId?: string | null; actor: string; action: string; entityType: string; entityId: string; at: string; before?: unknown; after?: unknown; }

/** RFC 9457 problem details as every EDP service answers errors. */
export interface Problem {
  type?: string; title?: string; status?: number; detail?: string; code?: string;
  errors?: { field: string; message: string }[];
}
