import type { Knex } from 'knex';
import type { SealedSparePassword } from './warm-spare.format';

interface WarmSpareRow {
  name: string;
  sealed_password: SealedSparePassword;
  server: string;
}

/**
 * The master's record of each warm spare on one server: its role's preset password, sealed for
 * the spare (warm-spare.format.ts). A database that looks like a spare but has no record here was
 * not built by the service and is never handed out.
 */
export class WarmSpareRepository {
  constructor(
    private readonly master: Knex,
    private readonly server: string,
  ) {}

  async record(name: string, sealedPassword: SealedSparePassword): Promise<void> {
    await this.master<WarmSpareRow>('warm_spares')
      .insert({ name, sealed_password: sealedPassword, server: this.server })
      .onConflict('name')
      .merge();
  }

  /**
   * The recorded spares whose names start with `prefix`, with their sealed passwords. A record may
   * outlive its spare by a moment (claimed, not yet collected): claiming such a one finds it gone.
   */
  async recordedStartingWith(prefix: string): Promise<Map<string, SealedSparePassword>> {
    const rows = await this.spares().select('name', 'sealed_password').whereRaw('starts_with(name, ?)', [prefix]);
    return new Map(rows.map((row) => [row.name, row.sealed_password]));
  }

  async forget(name: string): Promise<void> {
    await this.spares().where({ name }).delete();
  }

  /** Forgets every spare but these (the rest were claimed or dropped). */
  async keepOnly(names: string[]): Promise<void> {
    await this.spares().whereNotIn('name', names).delete();
  }

  private spares() {
    return this.master<WarmSpareRow>('warm_spares').where({ server: this.server });
  }
}
