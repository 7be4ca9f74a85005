import { Body, Controller, Get, HttpCode, HttpStatus, MessageEvent, Param, ParseUUIDPipe, Post, Query, Sse } from '@nestjs/common';
import { TenantRepository } from '@app/tenancy';
import { map, Observable } from 'rxjs';
import { TenantStatusFeed } from '../events/tenant-status.feed';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { CreateOrgBody, createOrgBody, ListOrgsQuery, listOrgsQuery } from './org.schemas';
import { OrgService, QueuedTenant } from './org.service';
import { statusUrlOf, tenantStatusView, tenantView } from './tenant.views';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

@Controller('org')
export class OrgController {
  constructor(
    private readonly orgs: OrgService,
    private readonly tenants: TenantRepository,
    private readonly feed: TenantStatusFeed,
  ) {}

  /** Records the tenant and queues its provisioning; poll statusUrl or stream events until ready. */
  @Post('create')
  @HttpCode(HttpStatus.ACCEPTED)
  async create(@Body(new ZodValidationPipe(createOrgBody)) body: CreateOrgBody) {
    return accepted(await this.orgs.register(body.name));
  }

  @Get()
  async list(@Query(new ZodValidationPipe(listOrgsQuery)) query: ListOrgsQuery) {
    const page = await this.tenants.list(query);
    return { items: page.tenants.map(tenantView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@Param('id', TenantId) id: string) {
    return tenantView(await this.tenants.getById(id));
  }

  @Get(':id/status')
  async status(@Param('id', TenantId) id: string) {
    return tenantStatusView(await this.tenants.getById(id));
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  async retry(@Param('id', TenantId) id: string) {
    return accepted(await this.orgs.retry(id));
  }

  /** Server-Sent Events: one `status` event per change, ending after `ready` or `failed`. */
  @Sse(':id/events')
  async events(@Param('id', TenantId) id: string): Promise<Observable<MessageEvent>> {
    await this.tenants.getById(id);
    return this.feed.watch(id).pipe(map((view) => ({ type: 'status', data: view })));
  }
}

function accepted({ tenant, jobId }: QueuedTenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    dbName: tenant.dbName,
    status: tenant.status,
    jobId,
    statusUrl: statusUrlOf(tenant.id),
  };
}
