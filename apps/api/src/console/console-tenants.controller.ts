import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig, ListApiKeys, RegisterTenant, TenantMigrationFiles, ZodValidationPipe } from '@app/tenancy';
import type { OperatorSession } from '../sessions/operator-sessions';
import { TenantReads } from '../org/tenant-reads';
import { createTenantForm, TenantListQuery, tenantListQuery } from './console-forms.schemas';
import { ConsoleExceptionFilter } from './http/console-exception.filter';
import { sendPage, seeOther } from './http/console-reply';
import { ConsoleFormGuard, ConsolePageGuard, CurrentSession } from './http/console-session.guards';
import { PageFrames } from './http/page-frames';
import { confirmDeletePage } from './views/confirm-delete.page';
import { tenantListPage } from './views/tenant-list.page';
import { tenantPage } from './views/tenant.page';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
const PAGE_SIZE = 25;

/** The console's pages of tenants, and the form that registers one. */
@Controller('console')
@UseFilters(ConsoleExceptionFilter)
export class ConsoleTenantsController {
  private readonly retentionDays: number;

  constructor(
    @Inject(APP_CONFIG) { fleet }: Pick<AppConfig, 'fleet'>,
    private readonly reads: TenantReads,
    private readonly listApiKeys: ListApiKeys,
    private readonly registerTenant: RegisterTenant,
    private readonly frames: PageFrames,
    private readonly migrationFiles: TenantMigrationFiles,
  ) {
    this.retentionDays = fleet.deleteRetentionDays;
  }

  @Get()
  @UseGuards(ConsolePageGuard)
  async list(
    @Query(new ZodValidationPipe(tenantListQuery)) query: TenantListQuery,
    @CurrentSession() session: OperatorSession,
    @Res() reply: FastifyReply,
  ) {
    const page = await this.reads.list({ search: query.q, status: query.status, after: query.after, limit: PAGE_SIZE });
    const filter = { search: query.q, status: query.status };
    return sendPage(reply, tenantListPage(this.frames.of(session), filter, page, query.after === undefined));
  }

  @Post('tenants')
  @UseGuards(ConsoleFormGuard)
  async create(@Body(new ZodValidationPipe(createTenantForm)) form: { name: string }, @Res() reply: FastifyReply) {
    const { tenant } = await this.registerTenant.execute({ name: form.name });
    return seeOther(reply, `/console/tenants/${tenant.id}`);
  }

  @Get('tenants/:id')
  @UseGuards(ConsolePageGuard)
  async show(@Param('id', TenantId) id: string, @CurrentSession() session: OperatorSession, @Res() reply: FastifyReply) {
    const [tenant, apiKeys, current] = await Promise.all([
      this.reads.current(id),
      this.listApiKeys.execute(id),
      this.migrationFiles.version(),
    ]);
    return sendPage(reply, tenantPage(this.frames.of(session), tenant, apiKeys, current));
  }

  /** The confirmation step before a delete: a page with the one button that posts it. */
  @Get('tenants/:id/delete')
  @UseGuards(ConsolePageGuard)
  async confirmDelete(@Param('id', TenantId) id: string, @CurrentSession() session: OperatorSession, @Res() reply: FastifyReply) {
    return sendPage(reply, confirmDeletePage(this.frames.of(session), await this.reads.current(id), this.retentionDays));
  }
}
