import { HttpErrorResponse } from '@angular/common/http';

import { Problem } from './models';

/** A failed API call, normalised from the RFC 9457 problem the platform answers with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: { field: string; message: string }[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail || title);
  }

  static from(response: HttpErrorResponse): ApiError {
    const body = response.error;
    const problem: Problem = body && typeof body === 'object' && !(body instanceof ProgressEvent) ? body : {};
    const retry = Number(response.headers?.get('Retry-After'));
    const status = response.status;
    const code = problem.code ?? (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    const title = problem.title ?? (status === 0 ? 'No connection' : response.statusText || 'Error');
    const detail = problem.detail ?? (status === 0 ? 'The platform could not be reached.' : '');
    return new ApiError(status, code, title, detail, problem.errors ?? [], Number.isFinite(retry) && retry > 0 ? retry : null);
  }

  static of(error: unknown): ApiError {
    if (error instanceof ApiError) {
      return error;
    }
    if (error instanceof HttpErrorResponse) {
      return ApiError.from(error);
    }
    return new ApiError(0, 'CLIENT', 'Unexpected error', error instanceof Error ? error.message : String(error));
  }

  /** @returns the message of one field's validation error, if the API named that field */
  field(name: string): string | null {
    return this.fieldErrors.find(e => e.field === name)?.message ?? null;
  }
}
