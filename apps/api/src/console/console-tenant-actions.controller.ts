import { Controller, HttpStatus, Param, ParseUUIDPipe, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  DeleteTenant,
  IssueApiKey,
  ResumeTenant,
  RetryTenant,
  RevokeApiKey,
  RotateTenantCredentials,
  SuspendTenant,
} from '@app/tenancy';
import type { OperatorSession } from '../sessions/operator-sessions';
import { TenantReads } from '../org/tenant-reads';
import { ConsoleExceptionFilter } from './http/console-exception.filter';
import { sendPage, seeOther } from './http/console-reply';
import { ConsoleFormGuard, CurrentSession } from './http/console-session.guards';
import { PageFrames } from './http/page-frames';
import { secretPage } from './views/secret.page';

const Uuid = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
const pageOf = (tenantId: string) => `/console/tenants/${tenantId}`;

/**
 * What an operator does to one tenant from the console, through the same use cases as the JSON
 * api. Each answers with the tenant's page, where its status follows the work live, or with the
 * secret it made, shown this once.
 */
@Controller('console/tenants/:id')
@UseFilters(ConsoleExceptionFilter)
@UseGuards(ConsoleFormGuard)
export class ConsoleTenantActionsController {
  constructor(
    private readonly retryTenant: RetryTenant,
    private readonly suspendTenant: SuspendTenant,
    private readonly resumeTenant: ResumeTenant,
    private readonly deleteTenant: DeleteTenant,
    private readonly rotateCredentials: RotateTenantCredentials,
    private readonly issueApiKey: IssueApiKey,
    private readonly revokeApiKey: RevokeApiKey,
    private readonly reads: TenantReads,
    private readonly frames: PageFrames,
  ) {}

  @Post('retry')
  async retry(@Param('id', Uuid) id: string, @Res() reply: FastifyReply) {
    await this.retryTenant.execute(id);
    return seeOther(reply, pageOf(id));
  }

  @Post('suspend')
  async suspend(@Param('id', Uuid) id: string, @Res() reply: FastifyReply) {
    await this.suspendTenant.execute(id);
    this.reads.forget(id);
    return seeOther(reply, pageOf(id));
  }

  @Post('resume')
  async resume(@Param('id', Uuid) id: string, @Res() reply: FastifyReply) {
    await this.resumeTenant.execute(id);
    this.reads.forget(id);
    return seeOther(reply, pageOf(id));
  }

  @Post('delete')
  async delete(@Param('id', Uuid) id: string, @Res() reply: FastifyReply) {
    await this.deleteTenant.execute(id);
    this.reads.forget(id);
    return seeOther(reply, pageOf(id));
  }

  @Post('credentials')
  async rotate(@Param('id', Uuid) id: string, @CurrentSession() session: OperatorSession, @Res() reply: FastifyReply) {
    const credentials = await this.rotateCredentials.execute(id);
    this.reads.forget(id);
    const tenant = await this.reads.current(id);
    return sendPage(
      reply,
      secretPage(this.frames.of(session), 'New database password', tenant, [
        ['Database', credentials.dbName],
        ['Role', credentials.role],
        ['Password', credentials.password],
      ]),
    );
  }

  @Post('api-keys')
  async issueKey(@Param('id', Uuid) id: string, @CurrentSession() session: OperatorSession, @Res() reply: FastifyReply) {
    const [issued, tenant] = await Promise.all([this.issueApiKey.execute(id), this.reads.current(id)]);
    return sendPage(reply, secretPage(this.frames.of(session), 'New API key', tenant, [['API key', issued.key]]));
  }

  @Post('api-keys/:keyId/revoke')
  async revokeKey(@Param('id', Uuid) id: string, @Param('keyId', Uuid) keyId: string, @Res() reply: FastifyReply) {
    await this.revokeApiKey.execute(id, keyId);
    return seeOther(reply, pageOf(id));
  }
}
