import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';
import { Stopwatch } from '../metrics/stopwatch';
import type { DatabaseOrigin } from '../tenant-databases/tenant-database.provisioner';

/** database: placed on a server, the database taken, cloned or created and handed to the tenant's role; then its migrations, then its seeds. */
export type ProvisioningLap = 'database' | 'migrations' | 'seeds';

/** Provisioning takes from a fraction of a second (a warm spare) to minutes (long migrations). */
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** How long tenants took to become ready, by how their database came to be (DatabaseOrigin) and by step. */
@Injectable()
export class ProvisioningMetrics {
  private readonly total: Histogram<'origin'>;
  private readonly steps: Histogram<'step' | 'origin'>;

  constructor(registry: Registry) {
    this.total = new Histogram({
      name: 'tenancy_provisioning_duration_seconds',
      help: 'Provisioning attempts that made a tenant ready, from the attempt taking the tenant to ready, by database origin',
      labelNames: ['origin'],
      buckets: BUCKETS,
      registers: [registry],
    });
    this.steps = new Histogram({
      name: 'tenancy_provisioning_step_duration_seconds',
      help: 'The steps of provisioning attempts that made a tenant ready (database, migrations, seeds), by database origin',
      labelNames: ['step', 'origin'],
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  recordReady(origin: DatabaseOrigin, stopwatch: Stopwatch<ProvisioningLap>): void {
    for (const [step, seconds] of stopwatch.laps()) this.steps.observe({ step, origin }, seconds);
    this.total.observe({ origin }, stopwatch.elapsedSeconds());
  }
}
