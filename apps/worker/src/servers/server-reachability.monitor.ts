import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DatabaseServerRepository, TenantServerToolkits } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

const CHECK_INTERVAL_MS = 2000;

/**
 * Tries every server in use and records in master which ones answer, so that new tenants are
 * placed on the others while one is down. Every worker does it; the record changes only when the
 * answer does.
 */
@Injectable()
export class ServerReachabilityMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => this.checkAll(),
    (error) => this.logger.warn({ err: error }, 'could not check the database servers'),
  );

  constructor(
    private readonly toolkits: TenantServerToolkits,
    private readonly servers: DatabaseServerRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(ServerReachabilityMonitor.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(CHECK_INTERVAL_MS, { now: true });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  private async checkAll(): Promise<void> {
    await Promise.all((await this.toolkits.inUse()).map((server) => this.check(server)));
  }

  private async check(server: string): Promise<void> {
    let failure: unknown;
    await this.toolkits
      .for(server)
      .then(({ catalog }) => catalog.answers())
      .catch((error: unknown) => (failure = error ?? new Error('no answer')));
    if (!(await this.servers.recordReachability(server, failure === undefined))) return;
    if (failure) this.logger.warn({ err: failure, server }, 'database server unreachable; new tenants go to the others');
    else this.logger.info({ server }, 'database server reachable again');
  }
}
