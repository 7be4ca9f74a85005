import { Injectable } from '@nestjs/common';
import { Registry } from 'prom-client';
import { CachedReading } from '../metrics/cached-reading';
import { scrapedGauge } from '../metrics/scraped-gauge';
import { ROLLOUT_TENANT_STATES } from './rollout';
import { RolloutRepository } from './rollout.repository';

/** tenancy_rollout_tenants by state: the tenants of the running rollouts, one read of master reused for a few seconds. */
@Injectable()
export class RolloutProgressMetrics {
  constructor(registry: Registry, rollouts: RolloutRepository) {
    const totals = new CachedReading(() => rollouts.runningTotals());
    scrapedGauge(registry, {
      name: 'tenancy_rollout_tenants',
      help: 'Tenants of the running rollouts by state (all zero when none runs)',
      labelNames: ['state'],
      read: async () => {
        const current = await totals.get();
        return ROLLOUT_TENANT_STATES.map((state) => ({ labels: { state }, value: current[state] }));
      },
    });
  }
}
