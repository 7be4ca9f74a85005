import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { AdvisoryLock } from '../master/advisory-lock';
import { LOCK_KEYS } from '../master/lock-keys';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { InternalDatabaseNames } from './internal-database-names';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantServerCatalog } from './tenant-server.catalog';
import { TenantTemplate } from './tenant-template';
import { NewSpare, resealSparePasswordForTenant, sealSparePassword, WarmSpareFormat } from './warm-spare.format';
import { WarmSpareRepository } from './warm-spare.repository';

export interface SpareClaimTarget {
  tenantId: string;
  dbName: string;
  role: string;
  /** The tenant's mark, put on database and role in the claiming transaction. */
  mark: string;
}

export type WarmPoolLevel = {
  size: number;
  target: number;
};

/**
 * Spare databases cloned from the current template ahead of demand, each owned, with all its
 * tables (through pg_database_owner), by a role of its own. Provisioning renames spare and role to the tenant's names in one
 * transaction: no CREATE DATABASE, no migration, no connection to the new database. A spare's
 * name carries its template's fingerprint, so one built from older migrations is never handed out
 * (warm-spare.format.ts says how spares are named, marked and sealed).
 */
export class WarmPool {
  private readonly logger = new Logger(WarmPool.name);
  private readonly format: WarmSpareFormat;

  constructor(
    private readonly config: Pick<AppConfig, 'tenants'>,
    private readonly admin: TenantDatabaseAdmin,
    private readonly catalog: TenantServerCatalog,
    private readonly template: TenantTemplate,
    private readonly lock: AdvisoryLock,
    private readonly cipher: TenantSecretCipher,
    private readonly records: WarmSpareRepository,
    private readonly server: string,
  ) {
    this.format = new InternalDatabaseNames(config.tenants.databasePrefix).warmSpares;
  }

  get enabled(): boolean {
    return this.config.tenants.templateEnabled && this.config.tenants.warmPoolSize > 0;
  }

  /**
   * Makes a current spare the tenant's database and role. Returns the role's password, sealed
   * for the tenant, or undefined when there is no spare to take.
   */
  async claim(target: SpareClaimTarget): Promise<string | undefined> {
    if (!this.enabled) return undefined;
    // Only the spares the master has a record of (one read there, none on the tenant server), in
    // random order, so that workers claiming at the same moment seldom reach for the same spare.
    const current = this.format.currentPrefix(await this.template.currentFingerprint());
    const recorded = await this.records.recordedStartingWith(current);
    for (const [spare, sealedPassword] of shuffle([...recorded])) {
      const claim = await this.admin.claimSpare(spare, target);
      if (claim.claimed) {
        // Off the tenant's path: a record left behind only costs a claimer one "gone", and the refill collects it.
        void this.records.forget(spare).catch(() => undefined);
        return resealSparePasswordForTenant(this.cipher, spare, sealedPassword, target.tenantId);
      }
      // The tenant's role is left from an earlier attempt: take the path that reuses it.
      if (claim.reason === 'role_exists') return undefined;
    }
    return undefined;
  }

  async level(): Promise<WarmPoolLevel> {
    return { size: this.enabled ? (await this.spares()).length : 0, target: this.enabled ? this.config.tenants.warmPoolSize : 0 };
  }

  /**
   * Clears out spares of older templates and what a builder killed midway left, then builds
   * spares up to WARM_POOL_SIZE. One refiller at a time across all workers.
   */
  async refill(): Promise<number> {
    if (!this.enabled) return 0;
    const template = await this.template.ensureBuilt();
    if (!template) return 0;
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.warmPool(this.config.tenants.databasePrefix, this.server), async () => {
      const fingerprint = await this.template.currentFingerprint();
      await this.collectGarbage(this.format.currentPrefix(fingerprint));
      let made = 0;
      for (let size = (await this.spares()).length; size < this.config.tenants.warmPoolSize; size += 1) {
        await this.buildSpare(template, this.format.newSpare(fingerprint));
        made += 1;
      }
      if (made) this.logger.log({ made, target: this.config.tenants.warmPoolSize }, 'warm pool refilled');
      return made;
    });
    return run.acquired ? run.value : 0;
  }

  /**
   * The role gets its password now, as a SCRAM verifier computed here, so a claim pays for no
   * hashing; the password itself is kept sealed in master, which tenants cannot reach.
   */
  private async buildSpare(template: string, spare: NewSpare): Promise<void> {
    await this.admin.cloneDatabase(template, spare.building);
    const password = this.cipher.generatePassword();
    const verifier = await scramSha256Verifier(password);
    // The copy's tables belong to its owner (see TenantTemplate): the hand-over gives them to the spare's role.
    await this.admin.handOverToNewSpareRole(spare.building, { name: spare.name, verifier, mark: this.format.mark });
    await this.records.record(spare.name, sealSparePassword(this.cipher, spare.name, password));
    await this.admin.renameDatabase(spare.building, spare.name);
  }

  private async collectGarbage(currentPrefix: string): Promise<void> {
    const databases = await this.catalog.databasesStartingWith(this.format.anyPrefix);
    for (const stale of databases.filter((name) => !name.startsWith(currentPrefix))) await this.admin.drop(stale);
    for (const unfinished of await this.catalog.databasesStartingWith(this.format.buildPrefix)) {
      await this.admin.drop(unfinished);
    }
    const live = await this.catalog.databasesStartingWith(currentPrefix);
    for (const role of await this.catalog.rolesStartingWith(this.format.anyPrefix)) {
      if (!live.includes(role)) await this.admin.dropRole(role);
    }
    await this.records.keepOnly(live);
  }

  private async spares(): Promise<string[]> {
    return this.catalog.databasesStartingWith(this.format.currentPrefix(await this.template.currentFingerprint()));
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
