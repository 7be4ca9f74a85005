import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { CachedReading } from '../metrics/cached-reading';
import { scrapedGauge } from '../metrics/scraped-gauge';
import { TenantServerToolkits } from './tenant-server.toolkits';

/** tenancy_warm_pool_spares and _target per database server taking new tenants, read together and reused for a few seconds. */
@Injectable()
export class WarmPoolMetrics {
  constructor(registry: Registry, servers: TenantServerToolkits) {
    const levels = new CachedReading(() => servers.warmPoolLevels());
    scrapedGauge(registry, {
      name: 'tenancy_warm_pool_spares',
      help: 'Warm spare databases ready to be handed to new tenants, per database server',
      labelNames: ['server'],
      read: async () => (await levels.get()).map(({ server, size }) => ({ labels: { server }, value: size })),
    });
    scrapedGauge(registry, {
      name: 'tenancy_warm_pool_target',
      help: 'WARM_POOL_SIZE per database server taking new tenants (0: the pool is off)',
      labelNames: ['server'],
      read: async () => (await levels.get()).map(({ server, target }) => ({ labels: { server }, value: target })),
    });
  }
}
