import { Controller, Delete, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  AcceptedOperation,
  ApiAnswers,
  ApiRefusals,
  DeleteTenant,
  JsonBodyGuard,
  MoveTenant,
  RestoreTenant,
  ResumeTenant,
  SuspendTenant,
  ZodBody,
  ZodQuery,
} from '@app/tenancy';
import type { z } from 'zod';
import { AdminRoutes } from '../http/admin-routes.decorator';
import { statusUrlOf } from '../routes';
import { DeleteOrgQuery, deleteOrgQuery, MoveOrgBody, moveOrgBody, RestoreOrgBody, restoreOrgBody } from './lifecycle.schemas';
import { operationAnswer } from './org.answers';
import { TenantReads } from './tenant-reads';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

/**
 * A tenant's life after provisioning. Each route records the request in master and queues it
 * (202); a worker carries it out. Follow it with GET /org/:id/status or /events: `operation` is
 * set until it is done.
 */
@Controller('org')
@AdminRoutes()
@ApiRefusals({
  400: 'The id is not a UUID',
  404: 'No tenant with this id',
  409: 'The tenant is not in a status this operation starts from, or another operation is under way',
  503: 'The queue or the master database is out of reach',
})
export class LifecycleController {
  constructor(
    private readonly suspendTenant: SuspendTenant,
    private readonly resumeTenant: ResumeTenant,
    private readonly deleteTenant: DeleteTenant,
    private readonly restoreTenant: RestoreTenant,
    private readonly moveTenant: MoveTenant,
    private readonly reads: TenantReads,
  ) {}

  @Post(':id/suspend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: "Shut the tenant's role out of its database; its data stays" })
  @ApiAnswers({ 202: ['Recorded and queued', operationAnswer] })
  async suspend(@Param('id', TenantId) id: string) {
    return this.accepted(await this.suspendTenant.execute(id));
  }

  @Post(':id/resume')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Let a suspended tenant in again' })
  @ApiAnswers({ 202: ['Recorded and queued', operationAnswer] })
  async resume(@Param('id', TenantId) id: string) {
    return this.accepted(await this.resumeTenant.execute(id));
  }

  /** `?purge=true` purges at once; `?backup=false` drops the database without a backup. */
  @Delete(':id')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Delete the tenant: its database is backed up, then purged after a grace period' })
  @ApiAnswers({ 202: ['Recorded and queued', operationAnswer] })
  async delete(@Param('id', TenantId) id: string, @ZodQuery(deleteOrgQuery) query: DeleteOrgQuery) {
    return this.accepted(await this.deleteTenant.execute(id, query));
  }

  /** `{backup?, as?}`: from the recorded backup (or a file in BACKUP_DIR), in place or as a new tenant. */
  @Post(':id/restore')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Restore a purged or deleted tenant from a backup, in place or as a new tenant' })
  @ApiAnswers({ 202: ['Recorded and queued', operationAnswer] })
  @ApiRefusals({
    400: 'The body is not {backup?, as?}, or the backup file is not a usable archive',
    404: 'No tenant with this id, or no such backup',
    415: 'The body is not JSON',
  })
  async restore(@Param('id', TenantId) id: string, @ZodBody(restoreOrgBody) body: RestoreOrgBody) {
    return this.accepted(await this.restoreTenant.execute(id, body));
  }

  /**
   * `{server}`: the tenant's database moves there; tenant apps answer 503 until it is open there. 404 for
   * an unknown server; 409 for a tenant not ready, or a server that holds it already, takes no
   * new tenants or is full.
   */
  @Post(':id/move')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: "Move the tenant's database to another database server" })
  @ApiAnswers({ 202: ['Recorded and queued; tenant apps answer 503 until the move is done', operationAnswer] })
  @ApiRefusals({
    400: 'The body is not {server}',
    404: 'No tenant with this id, or no database server with this name',
    409: 'The tenant is not ready, or the server holds it already, takes no new tenants, is unreachable or full',
    415: 'The body is not JSON',
  })
  async move(@Param('id', TenantId) id: string, @ZodBody(moveOrgBody) body: MoveOrgBody) {
    return this.accepted(await this.moveTenant.execute(id, body.server));
  }

  private accepted({ tenant, jobId }: AcceptedOperation): z.infer<typeof operationAnswer> {
    this.reads.forget(tenant.id);
    return {
      id: tenant.id,
      name: tenant.name,
      dbName: tenant.dbName,
      status: tenant.status,
      operation: tenant.operation,
      jobId,
      statusUrl: statusUrlOf(tenant.id),
    };
  }
}
