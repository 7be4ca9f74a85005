import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { MASTER_KNEX } from '../master/master-database.tokens';

/**
 * The master's record of each warm spare: its role's preset password, sealed for the spare's
 * name. A database that looks like a spare but has no record here was not built by the service
 * and is never handed out.
 */
@Injectable()
export class WarmSpareRepository {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  async record(name: string, sealedPassword: string): Promise<void> {
    await this.master('warm_spares').insert({ name, sealed_password: sealedPassword }).onConflict('name').merge();
  }

  async sealedPasswords(names: string[]): Promise<Map<string, string>> {
    if (!names.length) return new Map();
    const rows = await this.master('warm_spares').select('name', 'sealed_password').whereIn('name', names);
    return new Map(rows.map((row) => [row.name, row.sealed_password]));
  }

  /** Forgets every spare but these (the rest were claimed or dropped). */
  async keepOnly(names: string[]): Promise<void> {
    await this.master('warm_spares').whereNotIn('name', names).delete();
  }
}
