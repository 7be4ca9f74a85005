import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { CachedReading } from '../metrics/cached-reading';
import { scrapedGauge } from '../metrics/scraped-gauge';
import { TenantRepository } from './tenant.repository';

/** tenancy_tenants by status: one GROUP BY on master, reused for a few seconds however often Prometheus scrapes. */
@Injectable()
export class TenantStatusMetrics {
  constructor(registry: Registry, tenants: TenantRepository) {
    const counts = new CachedReading(() => tenants.countByStatus());
    scrapedGauge(registry, {
      name: 'tenancy_tenants',
      help: 'Tenants in the master database by status',
      labelNames: ['status'],
      read: async () => Object.entries(await counts.get()).map(([status, value]) => ({ labels: { status }, value })),
    });
  }
}
