import { TestBed } from '@angular/core/testing';
import { MatIconRegistry } from '@angular/material/icon';
import { DomSanitizer } from '@angular/platform-browser';

import { ApiError } from '../core/api/api-error';
import { LoadState } from './load-state';

describe('LoadState', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ imports: [LoadState] });
    // Icons are inlined SVG in the app; an empty one is enough here (no HTTP).
    const registry = TestBed.inject(MatIconRegistry);
    const sanitizer = TestBed.inject(DomSanitizer);
    for (const name of ['error', 'info', 'refresh']) {
      registry.addSvgIconLiteral(name, sanitizer.bypassSecurityTrustHtml('<svg></svg>'));
    }
  });

  function render(inputs: Record<string, unknown>): HTMLElement {
    const fixture = TestBed.createComponent(LoadState);
    for (const [key, value] of Object.entries(inputs)) {
      fixture.componentRef.setInput(key, value);
    }
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('names the role a 403 needs and offers no pointless retry', () => {
    const html = render({ error: new ApiError(403, 'FORBIDDEN', 'Forbidden', 'Access denied.'), neededRole: 'customer-admin' });
    expect(html.textContent).toContain('Not allowed');
    expect(html.textContent).toContain('This needs the role "customer-admin".');
    expect(html.querySelector('button')).toBeNull();
  });

  it('tells when to retry a 503 and offers the retry', () => {
    const html = render({ error: new ApiError(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', 'x', [], 7) });
    expect(html.textContent).toContain('Service temporarily unavailable');
    expect(html.textContent).toContain('Try again in 7 s');
    expect(html.querySelector('button')?.textContent).toContain('Retry');
  });

  it('shows the problem title and detail of any other failure, and the empty state', () => {
    expect(render({ error: new ApiError(409, 'STALE_PROMOTION', 'Stale promotion', 'The pin changed.') }).textContent)
      .toContain('The pin changed.');
    expect(render({ empty: true, emptyText: 'No devices match these filters.' }).textContent).toContain('No devices match these filters.');
    expect(render({ loading: true }).querySelector('[role="status"]')?.textContent).toContain('Loading');
  });
});
