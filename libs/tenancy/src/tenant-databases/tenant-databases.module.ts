import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { RotateTenantCredentials } from '../provisioning/rotate-tenant-credentials.use-case';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantDatabaseProvisioner } from './tenant-database.provisioner';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantTemplate } from './tenant-template';
import { WarmPool } from './warm-pool';
import { WarmSpareRepository } from './warm-spare.repository';
import { TENANT_SERVER_POOL } from './tenant-server.tokens';

const logger = new Logger('TenantServerPool');

const SERVICES = [
  RotateTenantCredentials,
  TenantDatabaseAdmin,
  TenantDatabaseProvisioner,
  TenantSchemaMigrator,
  TenantSecretCipher,
  TenantTemplate,
  WarmPool,
  WarmSpareRepository,
];

@Global()
@Module({
  providers: [
    {
      provide: TENANT_SERVER_POOL,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const pool = new Pool({ connectionString: config.tenantServerUrl, max: config.workerConcurrency + 2 });
        // An idle client whose server went away emits 'error'; unheard, it would crash the process.
        pool.on('error', (error) => logger.warn({ err: error }, 'idle tenant server connection lost'));
        return pool;
      },
    },
    ...SERVICES,
  ],
  exports: SERVICES,
})
export class TenantDatabasesModule implements OnApplicationShutdown {
  constructor(@Inject(TENANT_SERVER_POOL) private readonly server: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.server.end();
  }
}
