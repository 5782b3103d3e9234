import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { map } from 'rxjs';

import { T } from '../i18n/messages';

/** Shown when a route needs a role the user does not have. */
@Component({
  selector: 'app-forbidden',
  imports: [RouterLink],
  template: `
    <section class="page">
      <h1>{{ t.state.forbidden }}</h1>
      <p>{{ role() ? t.state.needsRole(role()!) : '' }} {{ t.state.askAdmin }}</p>
      <a routerLink="/fleet">{{ t.shell.backHome }}</a>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForbiddenPage {
  protected readonly t = T;
  protected readonly role = toSignal(inject(ActivatedRoute).queryParamMap.pipe(map(p => p.get('role'))));
}

@Component({
  selector: 'app-not-found',
  imports: [RouterLink],
  template: `
    <section class="page">
      <h1>{{ t.state.notFoundPage }}</h1>
      <p>{{ t.state.notFoundHint }}</p>
      <a routerLink="/fleet">{{ t.shell.backHome }}</a>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class NotFoundPage {
  protected readonly t = T;
}
