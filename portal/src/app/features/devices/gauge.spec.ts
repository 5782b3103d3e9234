import { TestBed } from '@angular/core/testing';

import { Gauge } from './gauge';

describe('Gauge', () => {
  function render(value: number | null): HTMLElement {
    const fixture = TestBed.createComponent(Gauge);
    fixture.componentRef.setInput('label', 'Container disk');
    fixture.componentRef.setInput('value', value);
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('is a meter with its value as text', () => {
    const meter = render(42.4).querySelector('[role="meter"]')!;
    expect(meter.getAttribute('aria-valuenow')).toBe('42.4');
    expect(meter.getAttribute('aria-label')).toBe('Container disk');
    expect(meter.textContent).toContain('42 %');
  });

  it('turns red at the danger threshold and shows a dash without data', () => {
    expect(render(95).querySelector('.gauge')!.getAttribute('data-level')).toBe('danger');
    expect(render(80).querySelector('.gauge')!.getAttribute('data-level')).toBe('warn');
    expect(render(10).querySelector('.gauge')!.getAttribute('data-level')).toBe('ok');
    expect(render(null).textContent).toContain('—');
  });
});
