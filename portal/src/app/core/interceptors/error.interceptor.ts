import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';

import { ApiError } from '../api/api-error';
import { Session } from '../auth/session';

/**
 * Every failed API call becomes an {@link ApiError} (RFC 9457 problem: title, detail, code,
 * field errors, Retry-After). A 401 means the session ended: the browser goes to the login and
 * comes back. 403 (which role is needed) and 503 (retry hint) are shown by the page that asked.
 */
export const errorInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(Session);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse) {
        if (error.status === 401 && request.url.startsWith('/api/')) {
          session.login();
        }
        return throwError(() => ApiError.from(error));
      }
      return throwError(() => error);
    }),
  );
};
