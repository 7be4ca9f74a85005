import { getSharedConfigToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  DatabaseServerRepository,
  FleetQueue,
  fleetQueueName,
  RolloutTenantJob,
  SERVER_STATES,
} from '@app/tenancy';
import { QueueOptions, Worker } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { isServing } from '../jobs/worker-serving';
import { PeriodicTask } from '../scheduling/periodic-task';
import { RolloutTenantProcessor } from './rollout-tenant.processor';

/** How soon a server added to the registry gets its fleet queue served. */
const SERVER_LIST_INTERVAL_MS = 5000;

/**
 * Serves the fleet queue of every registered server, whatever its state (a draining or disabled
 * server's tenants still take part in rollouts). Each queue's BullMQ global concurrency is
 * FLEET_MIGRATION_CONCURRENCY, so all workers together migrate at most that many tenants of one
 * server at once; it is set again on every pass, since Redis may have lost it.
 */
@Injectable()
export class FleetWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers = new Map<string, Worker<RolloutTenantJob>>();
  private readonly schedule = new PeriodicTask(
    () => this.serveEveryServer(),
    (error) => this.logger.warn({ err: error }, "could not serve the servers' fleet queues (master or Redis away); retried in 5 s"),
  );

  constructor(
    private readonly processor: RolloutTenantProcessor,
    private readonly servers: DatabaseServerRepository,
    private readonly queues: FleetQueue,
    @Inject(getSharedConfigToken()) private readonly bullOptions: QueueOptions,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'fleet'>,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(FleetWorkers.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(SERVER_LIST_INTERVAL_MS, { now: true });
  }

  /** On SIGTERM: no new tenants; the ones being migrated finish while the connections are still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
    await Promise.all([...this.workers.values()].map((worker) => worker.close()));
  }

  /** Up once a first pass served the registered servers' queues, until shutdown begins. */
  isServing(): boolean {
    const workers = [...this.workers.values()];
    return workers.length > 0 && workers.every(isServing);
  }

  private async serveEveryServer(): Promise<void> {
    const concurrency = this.config.fleet.migrationConcurrency;
    for (const server of await this.servers.namesIn(SERVER_STATES)) {
      await this.queues.of(server).setGlobalConcurrency(concurrency);
      if (!this.workers.has(server)) this.workers.set(server, this.serve(server, concurrency));
    }
  }

  /** The same lock and stall settings as provisioning, so a killed worker's tenants are taken up within 15 s. */
  private serve(server: string, concurrency: number): Worker<RolloutTenantJob> {
    const { connection, prefix, telemetry } = this.bullOptions;
    const worker = new Worker<RolloutTenantJob>(fleetQueueName(server), (job, token) => this.processor.process(job, token), {
      connection,
      prefix,
      telemetry,
      concurrency,
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
    });
    // A job whose keys vanished (Redis flushed) cannot be moved on; the rollout's reconciler re-queues it.
    worker.on('error', (error) => this.logger.warn({ err: error, server }, 'fleet queue error'));
    return worker;
  }
}
