import { Rollout } from '../../core/api/models';
import {
  DEFAULTS, PlanDraft, activeGroupPosition, allowedActions, describePlan, emptyGroup, formatIsoDuration, groupErrors, parseLabel, planValid,
  sizeError, toPlan, totals,
} from './plan';

function draft(change: Partial<PlanDraft> = {}): PlanDraft {
  return { labels: {}, machineId: null, groups: [emptyGroup('10%'), emptyGroup('90%')], successThreshold: 95, errorThreshold: 5, timeoutMinutes: 30,
    advance: 'AUTO', ...change };
}

describe('rollout plan', () => {
  it('takes a size as "N%" from 1 to 100 or a count of at least 1, and nothing else', () => {
    for (const ok of ['1%', '10%', '100%', ' 25 % ', '1', '5', '250']) {
      expect(sizeError(ok), ok).toBeNull();
    }
    expect(sizeError('')).toBe('Required');
    expect(sizeError('   ')).toBe('Required');
    for (const bad of ['0%', '101%', '0', '-1', '1.5', '10%%', 'ten', '%', '5 devices', '1e3']) {
      expect(sizeError(bad), bad).toContain('A percentage from 1% to 100%');
    }
  });

  it('checks the optional per-group thresholds (success 1–100, error 0–100, whole numbers) and timeout (1–10080 minutes)', () => {
    expect(groupErrors(emptyGroup('10%'))).toEqual({});
    expect(groupErrors({ size: '10%', successThreshold: 101, errorThreshold: -1, timeoutMinutes: 0 })).toEqual({
      successThreshold: 'A whole percentage from 1 to 100.', errorThreshold: 'A whole percentage from 0 to 100.',
      timeoutMinutes: 'Minutes from 1 to 10080 (7 days).',
    });
    expect(groupErrors({ size: '10%', successThreshold: 0, errorThreshold: 2.5, timeoutMinutes: 5 })).toEqual({
      successThreshold: 'A whole percentage from 1 to 100.', errorThreshold: 'A whole percentage from 0 to 100.' });
    expect(groupErrors({ size: '10%', successThreshold: 100, errorThreshold: 0, timeoutMinutes: 10080 })).toEqual({});
    expect(groupErrors({ size: '10%', successThreshold: 1, errorThreshold: 100, timeoutMinutes: 1 })).toEqual({});
    expect(groupErrors({ size: '10%', successThreshold: null, errorThreshold: null, timeoutMinutes: 1.5 }).timeoutMinutes).toBeDefined();
  });

  it('is valid with 1 to 10 good groups and the rollout-level values set', () => {
    expect(planValid(draft())).toBe(true);
    expect(planValid(draft({ groups: [] }))).toBe(false);
    expect(planValid(draft({ groups: Array.from({ length: 10 }, () => emptyGroup('1')) }))).toBe(true);
    expect(planValid(draft({ groups: Array.from({ length: 11 }, () => emptyGroup('1')) }))).toBe(false);
    expect(planValid(draft({ groups: [emptyGroup('10%'), emptyGroup('')] }))).toBe(false);
    expect(planValid(draft({ successThreshold: null }))).toBe(false);
    expect(planValid(draft({ timeoutMinutes: 0 }))).toBe(false);
  });

  it('builds the API plan: normalised sizes, ISO durations, optional values left out, a selector only when there is one', () => {
    expect(toPlan(draft({ groups: [emptyGroup(' 10 % '), { size: '5', successThreshold: 80, errorThreshold: null, timeoutMinutes: 90 }] }))).toEqual({
      groups: [{ size: '10%' }, { size: '5', successThreshold: 80, timeout: 'PT90M' }],
      successThreshold: 95, errorThreshold: 5, groupTimeout: 'PT30M', advance: 'AUTO',
    });
    expect(toPlan(draft({ labels: { site: 'plant-1' }, machineId: 'm-1', advance: 'MANUAL' }))).toMatchObject({
      selector: { labels: { site: 'plant-1' }, machineId: 'm-1' }, advance: 'MANUAL' });
    expect(DEFAULTS).toEqual({ successThreshold: 95, errorThreshold: 5, timeoutMinutes: 30 });
  });

  it('reads labels as key:value and durations for people', () => {
    expect(parseLabel('site: plant-1')).toEqual(['site', 'plant-1']);
    expect(parseLabel('line:3:a')).toEqual(['line', '3:a']);
    expect(parseLabel('nolabel')).toBeNull();
    expect(parseLabel(':x')).toBeNull();
    expect(parseLabel('x:')).toBeNull();
    expect(formatIsoDuration('PT30M')).toBe('30 min');
    expect(formatIsoDuration('PT1H30M')).toBe('1 h 30 min');
    expect(formatIsoDuration('P7D')).toBe('7 d');
    expect(formatIsoDuration('weird')).toBe('weird');
  });

  it('allows the design\'s transitions only', () => {
    expect(allowedActions('RUNNING')).toEqual({ pause: true, resume: false, continue: false, cancel: true, rollback: true });
    expect(allowedActions('WAITING')).toEqual({ pause: true, resume: false, continue: true, cancel: true, rollback: true });
    expect(allowedActions('PAUSED')).toEqual({ pause: false, resume: true, continue: false, cancel: true, rollback: true });
    expect(allowedActions('SUCCEEDED')).toEqual({ pause: false, resume: false, continue: false, cancel: false, rollback: true });
    expect(allowedActions('CANCELLED')).toEqual({ pause: false, resume: false, continue: false, cancel: false, rollback: true });
    expect(allowedActions('ROLLED_BACK')).toEqual({ pause: false, resume: false, continue: false, cancel: false, rollback: false });
  });

  it('sums progress over the groups, finds the active group by index and describes a plan', () => {
    const counts = (ready: number, failed: number) => ({ pending: 0, assigned: 0, reconciling: 0, ready, failed, timedOut: 1 });
    const group = (index: number, ready: number) => ({ index, size: '50%', plannedSize: 5, successThreshold: 95, errorThreshold: 5, timeout: 'PT30M',
      status: 'ACTIVE' as const, counts: counts(ready, 1) });
    const rollout = { groups: [group(2, 3), group(1, 4)], activeGroup: 2 } as unknown as Rollout;
    expect(totals(rollout)).toEqual({ pending: 0, assigned: 0, reconciling: 0, ready: 7, failed: 2, timedOut: 2 });
    expect(activeGroupPosition(rollout)).toBe(2);
    expect(activeGroupPosition({ ...rollout, activeGroup: null })).toBeNull();
    expect(describePlan({ groups: [{ size: '10%' }, { size: '90%' }], advance: 'MANUAL', selector: { labels: { site: 'a' } } }))
      .toBe('2 groups: 10% · rest · manual · site:a');
    expect(describePlan({ groups: [{ size: '100%' }] })).toBe('1 group: 100%');
  });
});
