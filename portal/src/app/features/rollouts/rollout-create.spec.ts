import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { Router } from '@angular/router';

import { Pin, RolloutPreview } from '../../core/api/models';
import { setUpPage, signIn } from '../../testing/page-setup';
import { RolloutCreate } from './rollout-create';

const API = '/api/devices/v1';

const testingPin: Pin = { customerId: 'c', environment: 'TESTING', releaseId: 'rel-old', releaseName: '2026.1', revision: 3 };

/** The plan the form starts with (two groups, the design's defaults). */
const defaultPlan = { groups: [{ size: '10%' }, { size: '90%' }], successThreshold: 95, errorThreshold: 5, groupTimeout: 'PT30M', advance: 'AUTO' };

describe('RolloutCreate', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<RolloutCreate>;
  let page: HTMLElement;
  let navigate: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    http = setUpPage(RolloutCreate, { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } });
    signIn(['operator']);
    navigate = vi.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
  });

  afterEach(() => document.querySelectorAll('.cdk-overlay-container').forEach(e => e.remove()));

  async function settle(): Promise<void> {
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
  }

  async function open(environment?: string, pins: Pin[] = [testingPin]): Promise<void> {
    fixture = TestBed.createComponent(RolloutCreate);
    if (environment) fixture.componentRef.setInput('environment', environment);
    page = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    http.expectOne(r => r.url === `${API}/releases`).flush({ items: [
      { id: 'rel-old', customerId: 'c', name: '2026.1', containers: [], createdAt: '', createdBy: '' },
      { id: 'rel-new', customerId: 'c', name: '2026.3', containers: [], createdAt: '', createdBy: '' }] });
    http.expectOne(r => r.url === `${API}/environments`).flush(pins);
    http.expectOne(r => r.url === '/api/masterdata/v1/machines').flush({ items: [] });
    await settle();
  }

  function q(testId: string): HTMLElement | null {
    return page.querySelector(`[data-testid="${testId}"]`);
  }

  async function choose(select: string, option: string): Promise<void> {
    (page.querySelector(`[data-testid="${select}"] .mat-mdc-select-trigger`) as HTMLElement).click();
    await settle();
    const match = [...document.querySelectorAll('mat-option')].find(o => o.textContent?.trim() === option) as HTMLElement;
    expect(match, `option ${option}`).toBeTruthy();
    match.click();
    await settle();
  }

  async function type(testId: string, value: string, enter = false): Promise<void> {
    const input = q(testId) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    if (enter) input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await settle();
  }

  async function click(testId: string): Promise<void> {
    (q(testId) as HTMLButtonElement).click();
    await settle();
  }

  it('previews which devices fall into which group, then starts a TESTING rollout at once and opens it', async () => {
    await open();
    await choose('rollout-release', '2026.3');
    await type('label-input', 'site:plant-1', true);
    expect([...page.querySelectorAll('[data-testid="label-chip"]')].map(c => c.textContent?.trim())).toEqual(['site:plant-1']);
    expect(q('four-eyes-notice')).toBeNull();

    await click('preview');
    const body = { releaseId: 'rel-new', environment: 'TESTING', selector: { labels: { site: 'plant-1' } }, ...defaultPlan };
    const preview = http.expectOne(`${API}/rollouts/preview`);
    expect(preview.request.method).toBe('POST');
    expect(preview.request.body).toEqual(body);
    const sample = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ deviceId: `d-${from + i}`, name: `press-${from + i}`,
      connectivity: 'ONLINE' as const }));
    const answer: RolloutPreview = { total: 13, excluded: 2, groups: [{ index: 0, size: 2, sample: sample(2, 1) }, { index: 1, size: 11, sample: sample(10, 3) }] };
    preview.flush(answer);
    await settle();
    expect(q('preview-total')?.textContent).toContain('13 devices are targeted; 2 follow a release override and are left out.');
    expect(q('preview-group-0')?.textContent).toContain('Group 1: 2 devices');
    expect(q('preview-group-0')?.textContent).toContain('press-1');
    expect(q('preview-group-0')?.textContent).toContain('press-2');
    expect(q('preview-group-0')?.textContent).not.toContain('more');
    expect(q('preview-group-1')?.textContent).toContain('Group 2: 11 devices');
    expect(q('preview-group-1')?.textContent).toContain('press-12');
    expect(q('preview-group-1')?.textContent).toContain('and 1 more');
    http.expectNone(`${API}/rollouts`);

    expect(q('submit-rollout')?.textContent).toContain('Start rollout');
    await click('submit-rollout');
    const create = http.expectOne(r => r.url === `${API}/rollouts` && r.method === 'POST');
    expect(create.request.body).toEqual(body);
    create.flush({ id: 'r-7' }, { status: 201, statusText: 'Created' });
    expect(navigate).toHaveBeenCalledWith(['/rollouts', 'r-7']);
  });

  it('sends nothing while a group is wrong, and says where', async () => {
    await open();
    await choose('rollout-release', '2026.3');
    await type('group-size-1', '150%');
    await click('preview');
    await click('submit-rollout');
    http.expectNone(r => r.method === 'POST');
    expect(q('group-size-error-1')?.textContent).toContain('A percentage from 1% to 100%');
    expect(q('form-error')?.textContent).toContain('Correct the marked fields first.');

    await type('group-size-1', '');
    await type('success-threshold', '');
    await click('submit-rollout');
    http.expectNone(r => r.method === 'POST');
    expect(q('group-size-error-1')?.textContent).toContain('Required');
    expect(page.textContent).toContain('Required');
  });

  it('asks for a release before anything is sent', async () => {
    await open();
    await click('preview');
    http.expectNone(r => r.method === 'POST');
    expect(q('rollout-release')?.closest('mat-form-field')?.textContent).toContain('Required');
  });

  it('shows the server\'s field errors at the fields and the rest in the form', async () => {
    await open();
    await choose('rollout-release', '2026.3');
    await click('submit-rollout');
    http.expectOne(r => r.url === `${API}/rollouts` && r.method === 'POST').flush({ title: 'Invalid request', code: 'VALIDATION_FAILED',
      detail: 'The request has 3 invalid field(s).', errors: [{ field: 'groups[1].size', message: 'must be at most 100%' },
        { field: 'groupTimeout', message: 'must be between PT1M and P7D' }, { field: 'selector', message: 'unknown machine' }] },
      { status: 400, statusText: 'Bad Request' });
    await settle();
    expect(q('group-size-error-1')?.textContent).toContain('must be at most 100%');
    expect(q('group-timeout')?.closest('mat-form-field')?.textContent).toContain('must be between PT1M and P7D');
    const form = q('form-error')?.textContent ?? '';
    expect(form).toContain('Invalid request: The request has 3 invalid field(s).');
    expect(form).toContain('selector: unknown machine');
    expect(form).not.toContain('groups[1].size');
    expect(navigate).not.toHaveBeenCalled();

    // Another problem: its detail, in the form.
    await type('group-size-1', '80%');
    await click('submit-rollout');
    http.expectOne(r => r.url === `${API}/rollouts` && r.method === 'POST').flush({ title: 'Rollout in progress', code: 'ROLLOUT_IN_PROGRESS',
      detail: 'TESTING already has a running rollout.' }, { status: 409, statusText: 'Conflict' });
    await settle();
    expect(q('form-error')?.textContent).toContain('Rollout in progress: TESTING already has a running rollout.');
  });

  it('for STAGING explains four eyes and requests a promotion that carries the plan, its release the TESTING pin', async () => {
    await open('STAGING');
    expect(q('four-eyes-notice')?.textContent).toContain('A rollout to Staging needs a second person (four eyes)');
    expect(q('rollout-source-release')?.textContent).toContain('2026.1');
    expect(q('rollout-release')).toBeNull();
    expect(q('submit-rollout')?.textContent).toContain('Request approval');

    await click('preview');
    const preview = http.expectOne(`${API}/rollouts/preview`);
    expect(preview.request.body).toEqual({ releaseId: 'rel-old', environment: 'STAGING', ...defaultPlan });
    preview.flush({ total: 0, excluded: 0, groups: [{ index: 0, size: 0, sample: [] }, { index: 1, size: 0, sample: [] }] });
    await settle();

    await click('submit-rollout');
    http.expectNone(`${API}/rollouts`);
    const request = http.expectOne(`${API}/promotions`);
    expect(request.request.method).toBe('POST');
    expect(request.request.body).toEqual({ targetEnvironment: 'STAGING', rollout: defaultPlan });
    request.flush({ id: 'p-1', status: 'REQUESTED' }, { status: 201, statusText: 'Created' });
    expect(navigate).toHaveBeenCalledWith(['/releases'], { fragment: 'approvals' });
  });

  it('for PRODUCTION with nothing pinned to STAGING says so and cannot submit', async () => {
    await open('PRODUCTION');
    expect(q('rollout-source-release')?.textContent).toContain('Nothing is pinned to Staging yet');
    expect((q('submit-rollout') as HTMLButtonElement).disabled).toBe(true);
  });
});
