import { Injectable } from '@nestjs/common';
import { isSettled, Tenant, TenantRepository, TenantStatusEvent } from '@app/tenancy';
import {
  concat,
  distinctUntilChanged,
  filter,
  from,
  map,
  merge,
  Observable,
  of,
  Subject,
  switchMap,
  takeWhile,
  timer,
} from 'rxjs';
import { tenantStatusView, TenantStatusView } from '../org/tenant.views';

/** Polling keeps the stream right when an event is lost; events make it fast. */
const FALLBACK_POLL_MS = 1000;

/** Status changes per tenant: broadcast events from workers, confirmed against the master database. */
@Injectable()
export class TenantStatusFeed {
  private readonly events = new Subject<TenantStatusEvent>();

  constructor(private readonly tenants: TenantRepository) {}

  push(event: TenantStatusEvent): void {
    this.events.next(event);
  }

  /** `current` first, then each change, completing after `ready` or `failed`. */
  watch(current: Tenant): Observable<TenantStatusView> {
    const changed = this.events.pipe(filter((event) => event.tenantId === current.id));
    const reread = merge(timer(FALLBACK_POLL_MS, FALLBACK_POLL_MS), changed).pipe(
      switchMap(() => from(this.tenants.getById(current.id))),
    );
    return concat(of(current), reread).pipe(
      distinctUntilChanged((a, b) => a.updatedAt.getTime() === b.updatedAt.getTime() && a.status === b.status),
      takeWhile((tenant) => !isSettled(tenant.status), true),
      map(tenantStatusView),
    );
  }
}
