import { ChangeDetectionStrategy, Component, signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import { registerIcons } from '../../shared/icon-registry';
import { GroupsEditor } from './groups-editor';
import { GroupDraft, emptyGroup } from './plan';

@Component({
  imports: [GroupsEditor],
  template: `<app-groups-editor [(groups)]="groups" [serverErrors]="server()" [showAll]="showAll()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
class Host {
  readonly groups = signal<GroupDraft[]>([emptyGroup('10%'), emptyGroup('90%')]);
  readonly server = signal<Record<string, string>>({});
  readonly showAll = signal(false);
}

describe('GroupsEditor', () => {
  let fixture: ComponentFixture<Host>;
  let page: HTMLElement;

  beforeEach(async () => {
    TestBed.configureTestingModule({ imports: [Host] });
    TestBed.runInInjectionContext(registerIcons);
    fixture = TestBed.createComponent(Host);
    page = fixture.nativeElement as HTMLElement;
    await settle();
  });

  async function settle(): Promise<void> {
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
  }

  function q(testId: string): HTMLElement | null {
    return page.querySelector(`[data-testid="${testId}"]`);
  }

  async function type(testId: string, value: string): Promise<void> {
    const input = q(testId) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    input.dispatchEvent(new Event('blur'));
    await settle();
  }

  it('says at the field what is wrong with a size, and the parent gets the edited rows', async () => {
    expect(q('group-size-error-0')).toBeNull();
    await type('group-size-0', '0%');
    expect(q('group-size-error-0')?.textContent).toContain('A percentage from 1% to 100%, or a number of devices (1 or more).');
    expect((q('group-size-0') as HTMLInputElement).getAttribute('aria-invalid')).toBe('true');
    expect(fixture.componentInstance.groups()[0].size).toBe('0%');

    await type('group-size-0', '');
    expect(q('group-size-error-0')?.textContent).toContain('Required');
    await type('group-size-0', '25');
    expect(q('group-size-error-0')).toBeNull();
    expect(fixture.componentInstance.groups().map(g => g.size)).toEqual(['25', '90%']);
  });

  it('shows the problems of untouched rows only after a submit attempt, and the server\'s field errors at once', async () => {
    fixture.componentInstance.groups.set([emptyGroup('10%'), emptyGroup('')]);
    await settle();
    expect(q('group-size-error-1')).toBeNull();
    fixture.componentInstance.showAll.set(true);
    await settle();
    expect(q('group-size-error-1')?.textContent).toContain('Required');

    fixture.componentInstance.server.set({ 'groups[0].size': 'must be at most 100%' });
    await settle();
    expect(q('group-size-error-0')?.textContent).toContain('must be at most 100%');
  });

  it('adds rows up to ten and removes any but the last one left', async () => {
    for (let i = 0; i < 8; i++) {
      (q('add-group') as HTMLButtonElement).click();
      await settle();
    }
    expect(page.querySelectorAll('fieldset').length).toBe(10);
    expect((q('add-group') as HTMLButtonElement).disabled).toBe(true);
    expect(page.textContent).toContain('At most 10 groups.');
    expect(page.querySelectorAll('fieldset legend')[9].textContent).toContain('Group 10');

    for (let i = 9; i > 0; i--) {
      (q('remove-group-' + i) as HTMLButtonElement).click();
      await settle();
    }
    expect(fixture.componentInstance.groups()).toEqual([emptyGroup('10%')]);
    expect((q('remove-group-0') as HTMLButtonElement).disabled).toBe(true);
    expect((q('remove-group-0') as HTMLButtonElement).getAttribute('aria-label')).toBe('Remove group 1');
  });

  it('keeps optional per-group values empty (the rollout\'s apply) and flags bad ones', async () => {
    const success = page.querySelector('input[name="success0"]') as HTMLInputElement;
    success.value = '150';
    success.dispatchEvent(new Event('input'));
    await settle();
    expect(fixture.componentInstance.groups()[0].successThreshold).toBe(150);
    expect(page.querySelector('[data-testid="group-0"]')?.textContent).toContain('A whole percentage from 1 to 100.');
    success.value = '';
    success.dispatchEvent(new Event('input'));
    await settle();
    expect(fixture.componentInstance.groups()[0].successThreshold).toBeNull();
    expect(page.querySelector('[data-testid="group-0"]')?.textContent).toContain('default 95 %');
  });
});
