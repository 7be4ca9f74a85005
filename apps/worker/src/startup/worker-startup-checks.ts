import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_SERVER, ResealLegacyPasswords, TenantServerToolkits } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';

/** What a worker makes sure of once, when it starts. */
@Injectable()
export class WorkerStartupChecks implements OnApplicationBootstrap {
  constructor(
    private readonly servers: TenantServerToolkits,
    private readonly reseal: ResealLegacyPasswords,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WorkerStartupChecks.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Other servers' logins were checked when they were added; this one comes from the configuration.
    const { provisioner } = await this.servers.for(DEFAULT_SERVER);
    if (await provisioner.runsAsSuperuser()) {
      this.logger.warn(
        'TENANT_DATABASE_URL logs in as a superuser: give the service a role with only CREATEDB and CREATEROLE (see docs/security.md)',
      );
    }
    await this.reseal.execute();
  }
}
