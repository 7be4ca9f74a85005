import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { PgArchiveTool } from '../archives/pg-archive.tool';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { archiveLogin } from './archive-login';
import { withCredentials, withDatabase } from '../postgres/connection-url';
import type { Tenant } from '../registry/tenant';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DatabaseServerDirectory } from '../servers/database-server.directory';
import { InternalDatabaseNames } from '../tenant-databases/internal-database-names';
import { tenantMark } from '../tenant-databases/service-marks';
import type { RoleFacts } from '../tenant-databases/tenant-server.catalog';
import { TenantServerToolkit, TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';
import { countDifferences, tableRowCounts } from './table-row-counts';
import { TenantMove, TenantMoveRepository } from './tenant-move.repository';

/**
 * The worker's half of a move. While the registry names the source: the role is shut out there,
 * the database copied (pg_dump piped into pg_restore, each logged in as the tenant's role with a
 * password only this attempt knows) into an empty database under its building name on the
 * target, row counts compared as the role on both, and only then renamed to the tenant's name:
 * a database under that name on the target is a verified copy. Then the registry is switched in
 * one conditional UPDATE, the role's own password set and its login allowed on the target (tenant
 * apps route there from then on), and the source's database and role dropped. Each step is safe
 * to repeat; what exists where says which remain.
 */
@Injectable()
export class TenantMoveOperation {
  private readonly names: InternalDatabaseNames;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'tenants'>,
    private readonly servers: TenantServerToolkits,
    private readonly addresses: DatabaseServerDirectory,
    private readonly moves: TenantMoveRepository,
    private readonly cipher: TenantSecretCipher,
    private readonly tool: PgArchiveTool,
    private readonly events: TenantEventsPublisher,
    private readonly logger: PinoLogger,
  ) {
    this.names = new InternalDatabaseNames(config.tenants.databasePrefix);
  }

  async run(tenant: Tenant): Promise<void> {
    const move = await this.recordedMove(tenant);
    let placed = tenant;
    if (tenant.server === move.source) {
      await this.copyUnlessCopied(tenant, move);
      const switched = await this.moves.switchServer(tenant.id, move);
      if (!switched) throw new Error('the tenant changed in master during the move; the move will look again');
      placed = switched;
    }
    await this.openOnTarget(placed, move);
    // Tenant apps let requests through again once the registry names the target: they hear it now, not at the move's end.
    await this.events.publish(placed);
    this.logger.info({ from: move.source, to: move.target }, 'tenant open on the target server');
    await this.dropFromSource(placed, move);
  }

  /**
   * After a move that gave up before the registry switched: what it made on the target is
   * dropped and the role may log in on the source again, with its own password. False once the
   * registry names the target: the move then only has the source's leftovers to drop, and goes on.
   */
  async rollBack(tenant: Tenant): Promise<boolean> {
    const move = await this.moves.moveOf(tenant.id);
    if (!move || tenant.server !== move.source) return false;
    const target = await this.servers.for(move.target);
    await target.admin.drop(this.names.newTenantDatabase(tenant.id));
    // Only what carries the tenant's mark: anything else under its names is left alone.
    const there = await target.access.find(tenant).catch(() => undefined);
    if (there?.database) await target.admin.drop(tenant.dbName);
    if (there?.role) await target.admin.dropRole(tenant.dbRole);
    await this.reopenOnSource(tenant, move);
    return true;
  }

  /**
   * After the target stopped answering mid-copy (`targetLost`): the tenant is let in on its source
   * now, rather than kept shut out for as long as another server is down. What the copy made on
   * the target (its building database, the role) stays there until the next move to it, which
   * starts by dropping it; no database under the tenant's name can be among it, so none is ever
   * taken for a verified copy. False once the registry names the target, as for `rollBack`.
   */
  async rollBackFromLostTarget(tenant: Tenant): Promise<boolean> {
    const move = await this.moves.moveOf(tenant.id);
    if (!move || tenant.server !== move.source) return false;
    await this.reopenOnSource(tenant, move);
    return true;
  }

  private async copyUnlessCopied(tenant: Tenant, move: TenantMove): Promise<void> {
    const [source, target] = await Promise.all([this.servers.for(move.source), this.servers.for(move.target)]);
    const here = await source.access.find(tenant);
    if (!here.role || here.database !== 'valid') {
      throw new Error(`the tenant's database or role is missing from "${move.source}", where the registry says it is`);
    }
    await source.access.shutOut(tenant.dbRole);
    const there = await target.access.find(tenant);
    if (there.database === 'valid') return;
    if (there.database === 'invalid') await target.admin.drop(tenant.dbName);
    if (there.role?.privileged.length) throw privileged(tenant.dbRole, there.role);

    // From here to the rename nothing under the tenant's name is on the target: if it stops answering, roll back.
    try {
      await this.copyAndVerify(tenant, move, { source, target }, { source: here.role, target: there.role });
    } catch (error) {
      throw (await answers(target)) ? error : targetLost(move.target, error);
    }
    await target.admin.renameDatabase(this.names.newTenantDatabase(tenant.id), tenant.dbName);
    this.logger.info({ to: move.target }, 'tenant database copied and verified');
  }

  /** The copy into a building database on the target, and its row counts compared with the source's. */
  private async copyAndVerify(
    tenant: Tenant,
    move: TenantMove,
    { source, target }: Record<'source' | 'target', TenantServerToolkit>,
    roles: { source: RoleFacts; target: RoleFacts | undefined },
  ): Promise<void> {
    const building = this.names.newTenantDatabase(tenant.id);
    // Whatever an interrupted attempt loaded is of no use: start from an empty database.
    if ((await target.catalog.describeDatabase(building)).state !== 'missing') await target.admin.drop(building);
    if (!(await target.admin.createDatabase(building)))
      throw new Error(`database "${building}" appeared while being made; the attempt will be retried`);
    // A password only this attempt knows: no holder of the tenant's own logs in while the copy is taken.
    const password = this.cipher.generatePassword();
    const owner = { name: tenant.dbRole, verifier: await scramSha256Verifier(password), mark: tenantMark(tenant.id) };
    if (roles.target) await target.admin.handOverToExistingRole({ name: building }, owner);
    else await target.admin.handOverToNewRole({ name: building }, owner);

    const [sourceAddress, targetAddress] = await Promise.all([
      this.addresses.address(move.source),
      this.addresses.address(move.target),
    ]);
    const from = archiveLogin(sourceAddress, tenant.dbName, tenant.dbRole, password);
    const to = archiveLogin(targetAddress, building, tenant.dbRole, password);
    await source.access.setPassword(tenant.dbRole, owner.verifier);
    await source.access.letIn(tenant.dbRole, roles.source);
    let copied;
    try {
      await this.tool.copy(from, to);
      copied = await tableRowCounts(withCredentials(withDatabase(sourceAddress, tenant.dbName), tenant.dbRole, password));
    } finally {
      await source.access.shutOut(tenant.dbRole);
    }
    const loaded = await tableRowCounts(withCredentials(withDatabase(targetAddress, building), tenant.dbRole, password));
    const differences = countDifferences(copied, loaded);
    if (differences.length) throw new Error(`the copy on "${move.target}" differs from the source (${differences.join(', ')})`);
  }

  /** The role logs in on the target with its own password: the tenant's apps and credentials work there. */
  private async openOnTarget(tenant: Tenant, move: TenantMove): Promise<void> {
    const target = await this.servers.for(move.target);
    const there = await target.access.find(tenant);
    if (!there.role || there.database !== 'valid') {
      throw new Error(`the tenant's database or role is missing from "${move.target}", where the registry says it is`);
    }
    await this.letIn(target, tenant, there.role);
  }

  private async dropFromSource(tenant: Tenant, move: TenantMove): Promise<void> {
    const source = await this.servers.for(move.source);
    const here = await source.access.find(tenant);
    if (here.database) await source.admin.drop(tenant.dbName);
    if (here.role) await source.admin.dropRole(tenant.dbRole);
  }

  private async reopenOnSource(tenant: Tenant, move: TenantMove): Promise<void> {
    const source = await this.servers.for(move.source);
    const { role } = await source.access.find(tenant);
    if (role) await this.letIn(source, tenant, role);
  }

  private async letIn(toolkit: TenantServerToolkit, tenant: Tenant, role: RoleFacts): Promise<void> {
    if (!tenant.dbPasswordEncrypted) throw new Error(`tenant ${tenant.id} has no password stored`);
    const password = this.cipher.decrypt(tenant.dbPasswordEncrypted, tenant.id);
    await toolkit.access.setPassword(tenant.dbRole, await scramSha256Verifier(password));
    await toolkit.access.letIn(tenant.dbRole, role);
  }

  private async recordedMove(tenant: Tenant): Promise<TenantMove> {
    const move = await this.moves.moveOf(tenant.id);
    if (!move) throw new Error('no move recorded for this tenant');
    if (tenant.server !== move.source && tenant.server !== move.target) {
      throw new Error(`the registry names "${tenant.server}", neither the move's source nor its target`);
    }
    return move;
  }
}

/** Whether the server answers a query now. */
function answers(toolkit: TenantServerToolkit): Promise<boolean> {
  return toolkit.catalog.answers().then(
    () => true,
    () => false,
  );
}

/** The move's target stopped answering during the copy; `cause` says how the copy failed. */
function targetLost(server: string, cause: unknown): TenantError {
  const how = cause instanceof Error ? cause.message : String(cause);
  return new TenantError(
    'server_unavailable',
    `database server "${server}" stopped answering during the copy; the move is rolled back (${how})`,
    { server },
  );
}

function privileged(role: string, facts: RoleFacts): TenantError {
  return TenantError.foreignDatabaseObject(
    'role',
    role,
    `has ${facts.privileged.join(', ')}, and such a role is never given a login`,
  );
}
