import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TENANT_SERVER_POOL } from './tenant-server.tokens';

const logger = new Logger('TenantServerPool');

/**
 * The provisioner's connections to the tenant server (CREATEDB, CREATEROLE). Only processes
 * that make databases and roles — the worker — import it.
 */
@Module({
  providers: [
    {
      provide: TENANT_SERVER_POOL,
      inject: [APP_CONFIG],
      useFactory: (config: Pick<AppConfig, 'tenantServer' | 'provisioning'>) => {
        const pool = new Pool({
          connectionString: config.tenantServer.maintenanceUrl,
          max: config.provisioning.workerConcurrency + 2,
        });
        // An idle client whose server went away emits 'error'; unheard, it would crash the process.
        pool.on('error', (error) => logger.warn({ err: error }, 'idle tenant server connection lost'));
        return pool;
      },
    },
  ],
  exports: [TENANT_SERVER_POOL],
})
export class TenantServerModule implements OnApplicationShutdown {
  constructor(@Inject(TENANT_SERVER_POOL) private readonly server: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.server.end();
  }
}
