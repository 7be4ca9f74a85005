import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { AdvisoryLock } from '../master/advisory-lock';
import { InternalDatabaseNames } from './internal-database-names';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantTemplate } from './tenant-template';

/** Another worker claimed or is renaming the same spare; try the next. */
const CLAIM_RACE_CODES = new Set(['3D000', '55006', '42P04']);

export type WarmPoolLevel = {
  size: number;
  target: number;
};

/**
 * Spare databases cloned from the current template ahead of demand, so provisioning a tenant
 * is a rename and an ownership hand-off instead of a CREATE DATABASE. A spare's name carries
 * its template's fingerprint, so one built from older migrations is never handed out.
 */
@Injectable()
export class WarmPool {
  private readonly logger = new Logger(WarmPool.name);
  private readonly names: InternalDatabaseNames;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly admin: TenantDatabaseAdmin,
    private readonly template: TenantTemplate,
    private readonly lock: AdvisoryLock,
  ) {
    this.names = new InternalDatabaseNames(config.tenantDbPrefix);
  }

  get enabled(): boolean {
    return this.config.templateEnabled && this.config.warmPoolSize > 0;
  }

  /** Renames a current spare to `dbName`; false when none is left. */
  async claim(dbName: string): Promise<boolean> {
    if (!this.enabled) return false;
    for (const spare of await this.spares()) {
      try {
        await this.admin.renameDatabase(spare, dbName);
        return true;
      } catch (error) {
        if (!CLAIM_RACE_CODES.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
    return false;
  }

  async level(): Promise<WarmPoolLevel> {
    return { size: this.enabled ? (await this.spares()).length : 0, target: this.enabled ? this.config.warmPoolSize : 0 };
  }

  /**
   * Drops spares of older templates and clones new ones up to WARM_POOL_SIZE. One refiller at a
   * time across all workers; returns how many spares it made.
   */
  async refill(): Promise<number> {
    if (!this.enabled) return 0;
    const template = await this.template.ensureBuilt();
    if (!template) return 0;
    const run = await this.lock.tryRunExclusive(`tenancy:pool:${this.config.tenantDbPrefix}`, async () => {
      const current = this.names.poolPrefix(await this.template.currentFingerprint());
      for (const stale of await this.admin.databasesStartingWith(this.names.anyPoolPrefix)) {
        if (!stale.startsWith(current)) await this.admin.drop(stale);
      }
      let made = 0;
      for (let size = (await this.spares()).length; size < this.config.warmPoolSize; size += 1) {
        const spare = `${current}${randomBytes(4).toString('hex')}`;
        await this.admin.createDatabase(spare, { template });
        await this.admin.lockOut(spare);
        made += 1;
      }
      if (made) this.logger.log({ made, target: this.config.warmPoolSize }, 'warm pool refilled');
      return made;
    });
    return run.acquired ? run.value : 0;
  }

  private async spares(): Promise<string[]> {
    return this.admin.databasesStartingWith(this.names.poolPrefix(await this.template.currentFingerprint()));
  }
}
