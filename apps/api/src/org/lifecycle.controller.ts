import { Body, Controller, Delete, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  AcceptedOperation,
  DeleteTenant,
  JsonBodyGuard,
  MoveTenant,
  RestoreTenant,
  ResumeTenant,
  SuspendTenant,
  ZodValidationPipe,
} from '@app/tenancy';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';
import { statusUrlOf } from '../routes';
import { DeleteOrgQuery, deleteOrgQuery, MoveOrgBody, moveOrgBody, RestoreOrgBody, restoreOrgBody } from './lifecycle.schemas';
import { TenantReads } from './tenant-reads';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

/**
 * A tenant's life after provisioning. Each route records the request in master and queues it
 * (202); a worker carries it out. Follow it with GET /org/:id/status or /events: `operation` is
 * set until it is done.
 */
@Controller('org')
@UseGuards(AdminApiKeyGuard)
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
  async suspend(@Param('id', TenantId) id: string) {
    return this.accepted(await this.suspendTenant.execute(id));
  }

  @Post(':id/resume')
  @HttpCode(HttpStatus.ACCEPTED)
  async resume(@Param('id', TenantId) id: string) {
    return this.accepted(await this.resumeTenant.execute(id));
  }

  /** `?purge=true` purges at once; `?backup=false` drops the database without a backup. */
  @Delete(':id')
  @HttpCode(HttpStatus.ACCEPTED)
  async delete(@Param('id', TenantId) id: string, @Query(new ZodValidationPipe(deleteOrgQuery)) query: DeleteOrgQuery) {
    return this.accepted(await this.deleteTenant.execute(id, query));
  }

  /** `{backup?, as?}`: from the recorded backup (or a file in BACKUP_DIR), in place or as a new tenant. */
  @Post(':id/restore')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  async restore(@Param('id', TenantId) id: string, @Body(new ZodValidationPipe(restoreOrgBody)) body: RestoreOrgBody) {
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
  async move(@Param('id', TenantId) id: string, @Body(new ZodValidationPipe(moveOrgBody)) body: MoveOrgBody) {
    return this.accepted(await this.moveTenant.execute(id, body.server));
  }

  private accepted({ tenant, jobId }: AcceptedOperation) {
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
