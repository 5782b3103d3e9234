import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { Router } from '@angular/router';

import { Rollout, RolloutDevice, RolloutGroup, RolloutStatus } from '../../core/api/models';
import { setUpPage, signIn } from '../../testing/page-setup';
import { POLL_MS, RolloutDetail } from './rollout-detail';

const API = '/api/devices/v1';

function group(index: number, status: RolloutGroup['status'], ready: number, counts: Partial<RolloutGroup['counts']> = {}): RolloutGroup {
  return { index, size: index === 0 ? '10%' : '90%', plannedSize: index === 0 ? 2 : 18, successThreshold: 95, errorThreshold: 5, timeout: 'PT30M',
    status, startedAt: status === 'PENDING' ? null : '2026-12-01T10:00:00Z', finishedAt: null,
    counts: { pending: 0, assigned: 0, reconciling: 0, ready, failed: 0, timedOut: 0, ...counts } };
}

function rollout(status: RolloutStatus, change: Partial<Rollout> = {}): Rollout {
  return { id: 'r-1', customerId: 'c', releaseId: 'rel-new', releaseName: '2026.3', previousReleaseId: 'rel-old', environment: 'TESTING',
    selector: { labels: { site: 'plant-1' } }, advance: 'AUTO', successThreshold: 95, errorThreshold: 5, groupTimeout: 'PT30M', status,
    pauseReason: null, promotionId: null, rollbackOf: null, total: 20, excluded: 1, activeGroup: 0,
    groups: [group(0, 'ACTIVE', 1, { reconciling: 1 }), group(1, 'PENDING', 0, { pending: 18 })], createdAt: '2026-12-01T10:00:00Z',
    createdBy: 'olga', updatedAt: '2026-12-01T10:00:00Z', updatedBy: 'olga', version: 1, ...change };
}

const failed: RolloutDevice = { deviceId: 'd-9', deviceName: 'press-9', group: 0, status: 'FAILED', reason: 'app: image pull failed',
  deliveredAt: '2026-12-01T10:01:00Z', updatedAt: '2026-12-01T10:02:00Z' };

describe('RolloutDetail', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<RolloutDetail>;
  let page: HTMLElement;

  beforeEach(() => {
    // The dialogs close at once (jsdom runs no CSS animation whose end they would wait for).
    http = setUpPage(RolloutDetail, { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } });
    signIn(['operator']);
  });

  afterEach(() => {
    vi.useRealTimers();
    document.querySelectorAll('.cdk-overlay-container').forEach(e => e.remove());
  });

  /** Answers what the page asks besides the rollout itself: the customer's releases and the failed / timed-out devices. */
  function answerSideCalls(failures: RolloutDevice[] = []): void {
    for (const r of http.match(r => r.url === `${API}/releases`)) {
      r.flush({ items: [{ id: 'rel-old', customerId: 'c', name: '2026.1', containers: [], createdAt: '', createdBy: '' },
        { id: 'rel-new', customerId: 'c', name: '2026.3', containers: [], createdAt: '', createdBy: '' }] });
    }
    for (const r of http.match(r => r.url === `${API}/rollouts/r-1/devices`)) {
      const status = r.request.params.get('status');
      r.flush({ items: failures.filter(f => f.status === status), nextCursor: null });
    }
  }

  function rolloutCalls(): number {
    return http.match(r => r.url === `${API}/rollouts/r-1` && r.method === 'GET').length;
  }

  async function render(): Promise<void> {
    fixture.detectChanges();
    await Promise.resolve();
    fixture.detectChanges();
  }

  async function open(first: Rollout, failures: RolloutDevice[] = []): Promise<void> {
    fixture = TestBed.createComponent(RolloutDetail);
    fixture.componentRef.setInput('id', 'r-1');
    page = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    http.expectOne(`${API}/rollouts/r-1`).flush(first);
    answerSideCalls(failures);
    await render();
  }

  function q(testId: string): HTMLElement | null {
    return page.querySelector(`[data-testid="${testId}"]`);
  }

  it('refreshes every 3 s while the rollout runs and stops once it is finished', async () => {
    vi.useFakeTimers();
    await open(rollout('RUNNING'));
    expect(q('rollout-live')?.textContent).toContain('Refreshes every 3 s');
    expect(q('count-0-ready')?.textContent).toContain('1');

    await vi.advanceTimersByTimeAsync(POLL_MS - 100);
    expect(rolloutCalls()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    const refresh = http.expectOne(`${API}/rollouts/r-1`);
    refresh.flush(rollout('RUNNING', { groups: [group(0, 'SUCCEEDED', 2), group(1, 'ACTIVE', 5, { assigned: 13 })], activeGroup: 1 }));
    answerSideCalls();
    await render();
    expect(q('count-1-ready')?.textContent).toContain('5');
    expect(q('group-status-0')?.textContent).toContain('Succeeded');

    await vi.advanceTimersByTimeAsync(POLL_MS);
    http.expectOne(`${API}/rollouts/r-1`).flush(rollout('SUCCEEDED', { groups: [group(0, 'SUCCEEDED', 2), group(1, 'SUCCEEDED', 18)], activeGroup: null }));
    answerSideCalls();
    await render();
    expect(q('rollout-status')?.textContent).toContain('Succeeded');
    expect(q('rollout-live')?.textContent).toContain('Final state');

    await vi.advanceTimersByTimeAsync(POLL_MS * 20);
    expect(rolloutCalls()).toBe(0);
  });

  for (const terminal of ['CANCELLED', 'ROLLED_BACK', 'SUCCEEDED'] as RolloutStatus[]) {
    it(`does not refresh a rollout that is already ${terminal}`, async () => {
      vi.useFakeTimers();
      await open(rollout(terminal, { activeGroup: null }));
      await vi.advanceTimersByTimeAsync(POLL_MS * 10);
      expect(rolloutCalls()).toBe(0);
    });
  }

  it('stops refreshing when the page is left, and keeps refreshing after a failed refresh', async () => {
    vi.useFakeTimers();
    await open(rollout('PAUSED', { pauseReason: 'Error threshold crossed in group 1: 2 of 2 failed' }));
    expect(q('pause-reason')?.textContent).toContain('Error threshold crossed in group 1');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    http.expectOne(`${API}/rollouts/r-1`).flush({ title: 'Service unavailable' }, { status: 503, statusText: 'Service Unavailable' });
    await render();
    expect(q('rollout-title')?.textContent).toContain('2026.3');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    http.expectOne(`${API}/rollouts/r-1`).flush(rollout('PAUSED'));
    answerSideCalls();

    fixture.destroy();
    await vi.advanceTimersByTimeAsync(POLL_MS * 10);
    expect(rolloutCalls()).toBe(0);
  });

  const visible: [RolloutStatus, string[]][] = [
    ['RUNNING', ['pause', 'cancel', 'rollback']],
    ['WAITING', ['pause', 'continue', 'cancel', 'rollback']],
    ['PAUSED', ['resume', 'cancel', 'rollback']],
    ['SUCCEEDED', ['rollback']],
    ['CANCELLED', ['rollback']],
    ['ROLLED_BACK', []],
  ];
  for (const [status, actions] of visible) {
    it(`offers an operator ${actions.join(', ') || 'nothing'} on a ${status} rollout, a viewer nothing`, async () => {
      await open(rollout(status));
      const shown = () => [...page.querySelectorAll('[data-testid^="action-"]')].map(b => b.getAttribute('data-testid')!.substring(7));
      expect(shown()).toEqual(actions);
      fixture.destroy();

      signIn(['viewer']);
      await open(rollout(status));
      expect(shown()).toEqual([]);
      fixture.destroy();
    });
  }

  it('pauses with the reason given in the confirmation and shows the answer', async () => {
    await open(rollout('RUNNING'));
    q('action-pause')!.click();
    await render();
    const reason = document.querySelector('mat-dialog-container textarea') as HTMLTextAreaElement;
    reason.value = 'line 3 stops for maintenance';
    reason.dispatchEvent(new Event('input'));
    await render();
    (document.querySelector('[data-testid="confirm"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const request = http.expectOne(`${API}/rollouts/r-1/pause`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ reason: 'line 3 stops for maintenance' });
    request.flush(rollout('PAUSED', { pauseReason: 'Paused by olga: line 3 stops for maintenance' }));
    answerSideCalls();
    await render();
    expect(q('rollout-status')?.textContent).toContain('Paused');
    expect(q('action-resume')).not.toBeNull();
    fixture.destroy();
  });

  it('explains which devices a rollback returns to which release, then opens the new rollout', async () => {
    const navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
    await open(rollout('PAUSED'));
    q('action-rollback')!.click();
    await render();
    expect(document.querySelector('mat-dialog-container')?.textContent)
      .toContain('Every device of Testing that already received 2026.3 returns to 2026.1, in one group, as a new rollout.');
    (document.querySelector('[data-testid="confirm"]') as HTMLButtonElement).click();
    await fixture.whenStable();
    const request = http.expectOne(`${API}/rollouts/r-1/rollback`);
    expect(request.request.method).toBe('POST');
    request.flush(rollout('RUNNING', { id: 'r-2', rollbackOf: 'r-1', releaseId: 'rel-old', releaseName: '2026.1' }), { status: 201, statusText: 'Created' });
    expect(navigate).toHaveBeenCalledWith(['/rollouts', 'r-2']);
    fixture.destroy();
  });

  it('offers no rollback when nothing was pinned before, and says why', async () => {
    await open(rollout('RUNNING', { previousReleaseId: null }));
    const button = q('action-rollback') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(page.querySelector('#' + button.getAttribute('aria-describedby'))?.textContent)
      .toContain('Nothing was pinned before this rollout, so there is nothing to roll back to.');
    fixture.destroy();
  });

  it('lists failed devices with reason and device link, and shows a device\'s history on expand', async () => {
    await open(rollout('RUNNING', { groups: [group(0, 'ACTIVE', 1, { failed: 1 }), group(1, 'PENDING', 0, { pending: 18 })] }), [failed]);
    const row = q('failure-d-9')!;
    expect(row.textContent).toContain('app: image pull failed');
    expect(row.textContent).toContain('Group 1');
    expect(row.querySelector('a')?.getAttribute('href')).toBe('/devices/d-9');
    const toggle = q('history-toggle-d-9') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await render();
    http.expectOne(`${API}/rollouts/r-1/devices/d-9/events`).flush([
      { status: 'ASSIGNED', reason: null, at: '2026-12-01T10:00:00Z' },
      { status: 'RECONCILING', reason: null, at: '2026-12-01T10:01:00Z' },
      { status: 'FAILED', reason: 'app: image pull failed', at: '2026-12-01T10:02:00Z' },
    ]);
    await render();
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const history = q('history-d-9')!;
    expect([...history.querySelectorAll('li')].map(li => li.textContent)).toEqual([
      expect.stringContaining('Assigned'), expect.stringContaining('Reconciling'), expect.stringContaining('Failed'),
    ]);
    toggle.click();
    await render();
    expect(q('history-d-9')).toBeNull();
    fixture.destroy();
  });

  it('answers another customer\'s rollout like a missing one: the API\'s 404, no retry', async () => {
    fixture = TestBed.createComponent(RolloutDetail);
    fixture.componentRef.setInput('id', 'r-1');
    page = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    http.expectOne(`${API}/rollouts/r-1`).flush({ title: 'Not found', detail: 'Rollout not found.', code: 'NOT_FOUND' },
      { status: 404, statusText: 'Not Found' });
    await render();
    expect(page.querySelector('[role="alert"]')?.textContent).toContain('Rollout not found.');
    expect(page.querySelector('[role="alert"] button')).toBeNull();
    http.verify();
  });
});
