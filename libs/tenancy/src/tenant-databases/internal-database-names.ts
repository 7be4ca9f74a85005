import { createHash } from 'node:crypto';
import { WarmSpareFormat } from './warm-spare.format';

/**
 * Names of the service's own databases and roles on the tenant server. They start with the
 * prefix and then `_`; a tenant's slug never starts with `_`, so no tenant can take them.
 */
export class InternalDatabaseNames {
  constructor(private readonly prefix: string) {}

  /** Every internal name starts with this; no tenant database or role does. */
  get anyInternalPrefix(): string {
    return `${this.prefix}_`;
  }

  get template(): string {
    return `${this.prefix}_template`;
  }

  /** Where a new template is built before it replaces the old one. */
  get templateBuild(): string {
    return `${this.prefix}_template_build`;
  }

  /** Creates the template's tables, which are then handed to pg_database_owner (see TenantTemplate). */
  get templateOwner(): string {
    return `${this.prefix}_template_owner`;
  }

  /** The warm pool's spares: their names and how they are written down. */
  get warmSpares(): WarmSpareFormat {
    return new WarmSpareFormat(this.anyInternalPrefix);
  }

  /** Every warm spare and spare role starts with this. */
  get anyPoolPrefix(): string {
    return this.warmSpares.anyPrefix;
  }

  /**
   * A tenant database is created under this name and renamed to the tenant's in the same
   * transaction that marks it: a crash never leaves an unmarked database under a tenant's name.
   */
  newTenantDatabase(tenantId: string): string {
    return `${this.prefix}_new_${createHash('sha256').update(tenantId).digest('hex').slice(0, 16)}`;
  }
}
