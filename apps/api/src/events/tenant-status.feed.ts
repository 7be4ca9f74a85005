import { Injectable } from '@nestjs/common';
import { isAtRest, Tenant, TenantRepository, TenantStatusEvent } from '@app/tenancy';
import {
  concat,
  defer,
  distinctUntilChanged,
  filter,
  finalize,
  from,
  merge,
  Observable,
  of,
  share,
  Subject,
  switchMap,
  takeWhile,
  timer,
} from 'rxjs';

/** Polling keeps the stream right when an event is lost; events make it fast. */
const FALLBACK_POLL_MS = 1000;

/** Status changes per tenant: broadcast events from workers, confirmed against the master database. */
@Injectable()
export class TenantStatusFeed {
  private readonly events = new Subject<TenantStatusEvent>();
  /** One master read per poll or event for each watched tenant, however many streams watch it. */
  private readonly reads = new Map<string, Observable<Tenant>>();

  constructor(private readonly tenants: TenantRepository) {}

  push(event: TenantStatusEvent): void {
    this.events.next(event);
  }

  /** `current` first, then each change, completing once the tenant is at rest (`ready`, `failed`, … with no operation under way). */
  watch(current: Tenant): Observable<Tenant> {
    return concat(
      of(current),
      defer(() => this.readsOf(current.id)),
    ).pipe(
      distinctUntilChanged((a, b) => a.updatedAt.getTime() === b.updatedAt.getTime() && a.status === b.status),
      // Until nothing more happens on its own: provisioning over, or a lifecycle operation done.
      takeWhile((tenant) => !isAtRest(tenant), true),
    );
  }

  /** Looked up when a stream subscribes, so it never joins reads that already ended. */
  private readsOf(id: string): Observable<Tenant> {
    const existing = this.reads.get(id);
    if (existing) return existing;
    const changed = this.events.pipe(filter((event) => event.tenantId === id));
    const reads = merge(timer(FALLBACK_POLL_MS, FALLBACK_POLL_MS), changed).pipe(
      switchMap(() => from(this.tenants.getById(id))),
      finalize(() => this.reads.delete(id)),
      share(),
    );
    this.reads.set(id, reads);
    return reads;
  }
}
