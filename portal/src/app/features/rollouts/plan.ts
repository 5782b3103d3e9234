import { Rollout, RolloutAdvance, RolloutCounts, RolloutGroupPlan, RolloutPlan, RolloutStatus, TERMINAL_ROLLOUT_STATUSES } from '../../core/api/models';
import { T } from '../../core/i18n/messages';

/** The design's limits (device-management refuses anything else with 400 and field errors). */
export const MAX_GROUPS = 10;
export const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;
export const DEFAULTS = { successThreshold: 95, errorThreshold: 5, timeoutMinutes: 30 };

/** One row of the groups editor as typed: optional values are null (the rollout's value applies). */
export interface GroupDraft {
  size: string; successThreshold: number | null; errorThreshold: number | null; timeoutMinutes: number | null;
}

export interface GroupErrors { size?: string; successThreshold?: string; errorThreshold?: string; timeoutMinutes?: string; }

/** A plan as the form holds it. */
export interface PlanDraft {
  labels: Record<string, string>; machineId: string | null; groups: GroupDraft[]; successThreshold: number | null;
  errorThreshold: number | null; timeoutMinutes: number | null; advance: RolloutAdvance;
}

/** A number field's value: null when empty. */
export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined || value === '' ? null : Number(value);
}

export function emptyGroup(size = ''): GroupDraft {
  return { size, successThreshold: null, errorThreshold: null, timeoutMinutes: null };
}

/** @returns why a size is not "N%" (1–100) or a count "N" (≥ 1), or null */
export function sizeError(size: string | null | undefined): string | null {
  const text = (size ?? '').trim();
  if (!text) return T.rollouts.required;
  const percent = /^(\d{1,3})\s*%$/.exec(text);
  if (percent) {
    const n = Number(percent[1]);
    return n >= 1 && n <= 100 ? null : T.rollouts.sizeInvalid;
  }
  return /^\d{1,9}$/.test(text) && Number(text) >= 1 ? null : T.rollouts.sizeInvalid;
}

/** A success threshold of 0 % would pass a group in which nothing is ready: the API takes 1–100 there, 0–100 for errors. */
function percentError(value: number | null, required: boolean, min: number): string | null {
  if (value === null || value === undefined || (value as unknown) === '') return required ? T.rollouts.required : null;
  return Number.isInteger(value) && value >= min && value <= 100 ? null : T.rollouts.percentInvalid(min);
}

function timeoutError(value: number | null, required: boolean): string | null {
  if (value === null || value === undefined || (value as unknown) === '') return required ? T.rollouts.required : null;
  return Number.isInteger(value) && value >= 1 && value <= MAX_TIMEOUT_MINUTES ? null : T.rollouts.timeoutInvalid;
}

/** @returns the problems of one group row (an empty object when it is fine) */
export function groupErrors(group: GroupDraft): GroupErrors {
  const errors: GroupErrors = {};
  const size = sizeError(group.size);
  const success = percentError(group.successThreshold, false, 1);
  const error = percentError(group.errorThreshold, false, 0);
  const timeout = timeoutError(group.timeoutMinutes, false);
  if (size) errors.size = size;
  if (success) errors.successThreshold = success;
  if (error) errors.errorThreshold = error;
  if (timeout) errors.timeoutMinutes = timeout;
  return errors;
}

/** @returns the problems of the rollout-level values, keyed like the API's field names */
export function defaultsErrors(plan: PlanDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const success = percentError(plan.successThreshold, true, 1);
  const error = percentError(plan.errorThreshold, true, 0);
  const timeout = timeoutError(plan.timeoutMinutes, true);
  if (success) errors['successThreshold'] = success;
  if (error) errors['errorThreshold'] = error;
  if (timeout) errors['groupTimeout'] = timeout;
  return errors;
}

/** @returns whether the plan may be previewed or submitted */
export function planValid(plan: PlanDraft): boolean {
  return plan.groups.length >= 1 && plan.groups.length <= MAX_GROUPS
    && plan.groups.every(g => Object.keys(groupErrors(g)).length === 0)
    && Object.keys(defaultsErrors(plan)).length === 0;
}

/** Minutes as the ISO-8601 duration the API takes ("PT30M"). */
export function minutesToDuration(minutes: number): string {
  return `PT${minutes}M`;
}

/** "PT30M", "PT2H", "P1D", "PT1H30M" → "30 min", "2 h", "1 d", "1 h 30 min" (anything else as it is). */
export function formatIsoDuration(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!m || value === 'P' || value.endsWith('T')) return value;
  const parts = [m[1] && `${m[1]} d`, m[2] && `${m[2]} h`, m[3] && `${m[3]} min`, m[4] && `${m[4]} s`].filter(Boolean);
  return parts.length ? parts.join(' ') : value;
}

/** The plan as the API takes it: sizes normalised ("10 %" → "10%"), empty optional values left out. */
export function toPlan(draft: PlanDraft): RolloutPlan {
  const labels = Object.keys(draft.labels).length ? { ...draft.labels } : undefined;
  const selector = labels || draft.machineId ? { ...(labels ? { labels } : {}), ...(draft.machineId ? { machineId: draft.machineId } : {}) } : undefined;
  return {
    ...(selector ? { selector } : {}),
    groups: draft.groups.map(g => {
      const group: RolloutGroupPlan = { size: g.size.replace(/\s+/g, '') };
      if (g.successThreshold !== null) group.successThreshold = g.successThreshold;
      if (g.errorThreshold !== null) group.errorThreshold = g.errorThreshold;
      if (g.timeoutMinutes !== null) group.timeout = minutesToDuration(g.timeoutMinutes);
      return group;
    }),
    successThreshold: draft.successThreshold ?? DEFAULTS.successThreshold,
    errorThreshold: draft.errorThreshold ?? DEFAULTS.errorThreshold,
    groupTimeout: minutesToDuration(draft.timeoutMinutes ?? DEFAULTS.timeoutMinutes),
    advance: draft.advance,
  };
}

/** "key:value" → [key, value]; null when it is not a label. */
export function parseLabel(text: string): [string, string] | null {
  const at = text.indexOf(':');
  if (at <= 0) return null;
  const key = text.substring(0, at).trim();
  const value = text.substring(at + 1).trim();
  return key && value ? [key, value] : null;
}

/** A plan in a few words, e.g. "3 groups: 10% · 50% · rest · manual" (for the promotions list). */
export function describePlan(plan: RolloutPlan): string {
  const sizes = plan.groups.map((g, i) => (i === plan.groups.length - 1 && plan.groups.length > 1 ? 'rest' : g.size));
  const selector = plan.selector ? [...Object.entries(plan.selector.labels ?? {}).map(([k, v]) => `${k}:${v}`)].join(', ') : '';
  return `${plan.groups.length} group${plan.groups.length === 1 ? '' : 's'}: ${sizes.join(' · ')}`
    + (plan.advance === 'MANUAL' ? ' · manual' : '') + (selector ? ` · ${selector}` : '') + (plan.selector?.machineId ? ' · one machine' : '');
}

export function isTerminal(status: RolloutStatus): boolean {
  return TERMINAL_ROLLOUT_STATUSES.includes(status);
}

/** Sums the per-group counts (the list's progress: ready of all targets). */
export function totals(rollout: Rollout): RolloutCounts {
  const sum: RolloutCounts = { pending: 0, assigned: 0, reconciling: 0, ready: 0, failed: 0, timedOut: 0 };
  for (const g of rollout.groups ?? []) {
    for (const key of Object.keys(sum) as (keyof RolloutCounts)[]) {
      sum[key] += g.counts?.[key] ?? 0;
    }
  }
  return sum;
}

/** The active group as "n of m" counted from 1, whatever base the API's indices have; null when none is active. */
export function activeGroupPosition(rollout: Rollout): number | null {
  if (rollout.activeGroup === null || rollout.activeGroup === undefined) return null;
  const position = sortedGroups(rollout).findIndex(g => g.index === rollout.activeGroup);
  return position < 0 ? null : position + 1;
}

export function sortedGroups(rollout: Rollout): Rollout['groups'] {
  return [...(rollout.groups ?? [])].sort((a, b) => a.index - b.index);
}

/** What an operator may do in which status (the design's transitions; the API refuses others with 409 ROLLOUT_STATE). */
export function allowedActions(status: RolloutStatus): { pause: boolean; resume: boolean; continue: boolean; cancel: boolean; rollback: boolean } {
  return {
    pause: status === 'RUNNING' || status === 'WAITING',
    resume: status === 'PAUSED',
    continue: status === 'WAITING',
    cancel: status === 'RUNNING' || status === 'WAITING' || status === 'PAUSED',
    rollback: status !== 'ROLLED_BACK',
  };
}
