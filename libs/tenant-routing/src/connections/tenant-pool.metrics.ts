import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { TenantPools, TenantPoolStats } from './tenant-pools';

type Figure = keyof TenantPoolStats;

const GAUGES: [name: string, help: string, figure: Figure][] = [
  ['tenancy_tenant_pools_open', 'Tenant connection pools open (TENANT_POOLS_MAX at most)', 'poolsOpen'],
  ['tenancy_tenant_pools_draining', 'Tenant pools evicted or retired, waiting for their last request', 'poolsDraining'],
  ['tenancy_tenant_pools_max', 'TENANT_POOLS_MAX', 'poolsMax'],
  ['tenancy_tenant_connections_open', 'Connections open into tenant databases', 'connectionsOpen'],
  ['tenancy_tenant_connections_in_use', 'Tenant database connections lent to a request', 'connectionsInUse'],
  ['tenancy_tenant_connections_max', 'TENANT_CONNECTIONS_MAX', 'connectionsMax'],
];

const COUNTERS: [name: string, help: string, figure: Figure][] = [
  ['tenancy_tenant_pool_evictions_total', 'Tenant pools closed to make room for another', 'evictions'],
  ['tenancy_tenant_connection_waits_total', 'Requests that waited for a connection past TENANT_CONNECTIONS_MAX', 'waits'],
  [
    'tenancy_tenant_connection_wait_timeouts_total',
    'Waits that gave up after TENANT_CONNECTION_WAIT_MS (answered 503)',
    'waitTimeouts',
  ],
];

/** TenantPools.stats() at each scrape: in-process figures, nothing is read from a database. */
@Injectable()
export class TenantPoolMetrics {
  constructor(registry: Registry, pools: TenantPools) {
    const registers = [registry];
    for (const [name, help, figure] of GAUGES) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pools.stats()[figure]);
        },
      });
    }
    for (const [name, help, figure] of COUNTERS) {
      new Counter({
        name,
        help,
        registers,
        // TenantPools counts since start; a counter cannot be set, so it is rebuilt from that count.
        collect() {
          this.reset();
          this.inc(pools.stats()[figure]);
        },
      });
    }
  }
}
