import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TENANT_SERVER_POOL } from './tenant-server.tokens';

@Global()
@Module({
  providers: [
    {
      provide: TENANT_SERVER_POOL,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Pool({ connectionString: config.tenantServerUrl, max: config.workerConcurrency + 1 }),
    },
    TenantDatabaseAdmin,
    TenantSchemaMigrator,
  ],
  exports: [TenantDatabaseAdmin, TenantSchemaMigrator],
})
export class TenantDatabasesModule implements OnApplicationShutdown {
  constructor(@Inject(TENANT_SERVER_POOL) private readonly server: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.server.end();
  }
}
