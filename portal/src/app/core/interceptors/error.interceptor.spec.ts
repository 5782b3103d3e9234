import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';

import { ApiError } from '../api/api-error';
import { Session } from '../auth/session';
import { errorInterceptor } from './error.interceptor';

describe('errorInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let login: ReturnType<typeof vi.fn>;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([errorInterceptor])), provideHttpClientTesting()],
    });
    login = vi.fn();
    TestBed.inject(Session).login = login as unknown as () => void;
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  async function fail(status: number, body: object, headers: Record<string, string> = {}): Promise<ApiError> {
    const call = firstValueFrom(http.get('/api/devices/v1/devices'));
    backend.expectOne('/api/devices/v1/devices').flush(body, { status, statusText: 'x', headers });
    try {
      await call;
    } catch (e) {
      return e as ApiError;
    }
    throw new Error('no error');
  }

  it('turns a problem+json answer into an ApiError with code, detail and field errors', async () => {
    const error = await fail(400, { title: 'Invalid request', detail: 'The request has 1 invalid field(s).', code: 'VALIDATION_FAILED',
      errors: [{ field: 'name', message: 'must not be blank' }] });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.field('name')).toBe('must not be blank');
    expect(login).not.toHaveBeenCalled();
  });

  it('sends the browser to the login on 401', async () => {
    const error = await fail(401, { title: 'Unauthorized', code: 'UNAUTHORIZED' });
    expect(error.status).toBe(401);
    expect(login).toHaveBeenCalledTimes(1);
  });

  it('keeps 403 for the page (which names the role) and reads Retry-After of a 503', async () => {
    expect((await fail(403, { title: 'Forbidden', code: 'FORBIDDEN' })).code).toBe('FORBIDDEN');
    const unavailable = await fail(503, { title: 'Service unavailable', code: 'SERVICE_UNAVAILABLE' }, { 'Retry-After': '5' });
    expect(unavailable.retryAfterSeconds).toBe(5);
    expect(login).not.toHaveBeenCalled();
  });
});
