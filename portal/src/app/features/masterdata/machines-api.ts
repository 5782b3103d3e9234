import { HttpClient } from '@angular/common/http';
import { Observable, catchError, map, of } from 'rxjs';

import { Machine, Page } from '../../core/api/models';
import { params } from '../../core/api/params';

export const MACHINES = '/api/masterdata/v1/machines';

/**
 * The machines a form or filter offers: the scope's first 500 by name (a platform admin's "all
 * customers" is null), or none when they cannot be read (the choice is optional everywhere).
 */
export function machineChoices(http: HttpClient, customerId: string | null): Observable<Machine[]> {
  return http.get<Page<Machine>>(MACHINES, { params: params({ customerId, limit: 500, sort: 'name' }) })
    .pipe(map(p => p.items), catchError(() => of([])));
}
