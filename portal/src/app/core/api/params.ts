import { HttpParams } from '@angular/common/http';

/** Query parameters without the empty ones; arrays become repeated parameters. */
export function params(values: Record<string, string | number | boolean | string[] | null | undefined>): HttpParams {
  let result = new HttpParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') {
      continue;
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item !== '') {
          result = result.append(key, item);
        }
      }
    } else {
      result = result.set(key, String(value));
    }
  }
  return result;
}
