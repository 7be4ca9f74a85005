import type { Knex } from 'knex';

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingCreates(): number;
}

/**
 * One tenant's Knex and its connection pool, with the requests using it counted: a pool taken
 * out of service is closed only once the last of them is done, never under a running query.
 */
export class TenantPool {
  private leases = 0;
  private retired = false;
  private closing?: Promise<void>;

  constructor(
    readonly tenantId: string,
    /** The server and sealed password the pool logs in with: a rotated password or a move means a new pool. */
    readonly login: string,
    readonly knex: Knex,
    private readonly onClosed: (pool: TenantPool) => void,
  ) {}

  /** Counts a request in; the function it returns counts it out (once, however often called). */
  lease(): () => void {
    this.leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leases--;
      if (this.retired && this.leases === 0) void this.close();
    };
  }

  /** No new requests from now on; the connections close when the current ones are done. */
  retire(): void {
    this.retired = true;
    if (this.leases === 0) void this.close();
  }

  get isRetired(): boolean {
    return this.retired;
  }

  get activeLeases(): number {
    return this.leases;
  }

  /** Connections running a query for a request now. */
  get connectionsInUse(): number {
    return this.tarn()?.numUsed() ?? 0;
  }

  /** Open, and either idle or busy. */
  get connectionsOpen(): number {
    const pool = this.tarn();
    return pool ? pool.numUsed() + pool.numFree() : 0;
  }

  /** Whether closing it now would give idle connections back and disturb no request. */
  get isIdleWithConnections(): boolean {
    const pool = this.tarn();
    return this.leases === 0 && !!pool && pool.numUsed() === 0 && pool.numPendingCreates() === 0 && pool.numFree() > 0;
  }

  close(): Promise<void> {
    this.closing ??= this.knex.destroy().finally(() => this.onClosed(this));
    return this.closing;
  }

  private tarn(): TarnPool | undefined {
    return (this.knex.client as { pool?: TarnPool }).pool;
  }
}
