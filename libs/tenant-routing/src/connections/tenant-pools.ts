import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, knexLog, TenantLoginTarget, TenantRoleLogin } from '@app/tenancy';
import { knex, Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { budgetedPgClient } from './budgeted-pg-client';
import { ConnectionBudget } from './connection-budget';
import { TenantPool } from './tenant-pool';

/** Time to open a connection once the budget let it, on top of the wait for the budget itself. */
const CONNECT_ALLOWANCE_MS = 10_000;
const REAP_INTERVAL_MS = 1000;

export type PooledTenant = TenantLoginTarget & { dbPasswordEncrypted: string };

export interface TenantLease {
  knex: Knex;
  /** Call when the request is done with the tenant's database; the pool may close after that. */
  release: () => void;
}

export interface TenantPoolStats {
  poolsOpen: number;
  poolsMax: number;
  /** Pools evicted or retired, waiting for their last request to finish before they close. */
  poolsDraining: number;
  connectionsOpen: number;
  connectionsInUse: number;
  connectionsMax: number;
  /** Since start: pools closed to make room, connections that had to wait for the budget, and waits that gave up. */
  evictions: number;
  waits: number;
  waitTimeouts: number;
}

/**
 * Every tenant pool of the process: at most TENANT_POOLS_MAX open, the least recently used
 * drained and closed past that, and all their connections within TENANT_CONNECTIONS_MAX.
 * Building a pool opens nothing, and happens synchronously, so concurrent first requests for
 * one tenant share one pool.
 */
@Injectable()
export class TenantPools implements OnApplicationShutdown {
  private readonly budget: ConnectionBudget;
  private readonly pools: LRUCache<string, TenantPool>;
  private readonly draining = new Set<TenantPool>();
  private readonly client: ReturnType<typeof budgetedPgClient>;
  private readonly settings: AppConfig['tenantRouting'];
  private evictions = 0;

  constructor(
    @Inject(APP_CONFIG) { tenantRouting }: Pick<AppConfig, 'tenantRouting'>,
    private readonly login: TenantRoleLogin,
  ) {
    this.settings = tenantRouting;
    this.budget = new ConnectionBudget(tenantRouting.connectionsMax, tenantRouting.connectionWaitMs, () => this.closeAnIdlePool());
    this.client = budgetedPgClient(this.budget);
    this.pools = new LRUCache<string, TenantPool>({
      max: tenantRouting.poolsMax,
      dispose: (pool, _tenantId, reason) => {
        if (reason === 'evict') this.evictions++;
        this.drain(pool);
      },
    });
  }

  lease(tenant: PooledTenant): TenantLease {
    let pool = this.pools.get(tenant.id);
    if (!pool || pool.login !== loginOf(tenant)) {
      pool = this.open(tenant);
      this.pools.set(tenant.id, pool);
    }
    const release = pool.lease();
    return {
      knex: pool.knex,
      release: () => {
        release();
        // Its connections just went idle: if someone waits for the budget, make room now, not at the idle timeout.
        if (this.budget.waiting > 0) this.closeAnIdlePool();
      },
    };
  }

  /** The tenant's pool stops taking requests (credentials rotated, tenant no longer ready). */
  retire(tenantId: string): void {
    this.pools.delete(tenantId);
  }

  stats(): TenantPoolStats {
    let connectionsInUse = 0;
    for (const pool of [...this.pools.values(), ...this.draining]) connectionsInUse += pool.connectionsInUse;
    return {
      poolsOpen: this.pools.size,
      poolsMax: this.settings.poolsMax,
      poolsDraining: this.draining.size,
      connectionsOpen: this.budget.inUse,
      connectionsInUse,
      connectionsMax: this.budget.limit,
      evictions: this.evictions,
      waits: this.budget.waits,
      waitTimeouts: this.budget.timeouts,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.pools.values(), ...this.draining];
    this.pools.clear();
    await Promise.all(all.map((pool) => pool.close()));
  }

  private open(tenant: PooledTenant): TenantPool {
    const { poolMax, poolIdleMs, connectionWaitMs } = this.settings;
    const tenantKnex = knex({
      client: this.client as unknown as Knex.Config['client'],
      // Knex asks for it before each new connection: the server's address may take a read of master, once.
      connection: async () => ({ connectionString: await this.login.url(tenant), application_name: 'tenant-routing' }),
      pool: { min: 0, max: poolMax, idleTimeoutMillis: poolIdleMs, reapIntervalMillis: Math.min(REAP_INTERVAL_MS, poolIdleMs) },
      acquireConnectionTimeout: connectionWaitMs + CONNECT_ALLOWANCE_MS,
      log: knexLog(TenantPools.name),
    });
    return new TenantPool(tenant.id, loginOf(tenant), tenantKnex, (closed) => this.draining.delete(closed));
  }

  private drain(pool: TenantPool): void {
    this.draining.add(pool);
    pool.retire();
  }

  /** Someone waits for a connection: close the least recently used pool that only holds idle ones. */
  private closeAnIdlePool(): void {
    for (const tenantId of this.pools.rkeys()) {
      const pool = this.pools.peek(tenantId);
      if (!pool?.isIdleWithConnections) continue;
      this.evictions++;
      this.pools.delete(tenantId);
      return;
    }
  }
}

function loginOf(tenant: PooledTenant): string {
  return `${tenant.server}\0${tenant.dbPasswordEncrypted}`;
}
