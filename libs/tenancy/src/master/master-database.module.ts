import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Knex } from 'knex';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { AdvisoryLock } from './advisory-lock';
import { openMasterDatabase } from './master-database';
import { MASTER_KNEX } from './master-database.tokens';

/** The master database (created and migrated when it opens) and the advisory locks taken in it. */
@Module({
  providers: [
    { provide: MASTER_KNEX, inject: [APP_CONFIG], useFactory: (config: AppConfig) => openMasterDatabase(config) },
    AdvisoryLock,
  ],
  exports: [MASTER_KNEX, AdvisoryLock],
})
export class MasterDatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  async onApplicationShutdown(): Promise<void> {
    await this.master.destroy();
  }
}
