import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  HttpStatus,
  MessageEvent,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { JsonBodyGuard, QueuedTenant, RegisterTenant, RetryTenant, RotateTenantCredentials, ZodValidationPipe } from '@app/tenancy';
import { map, Observable } from 'rxjs';
import { EventStreamLimiter } from '../events/event-stream.limiter';
import { TenantStatusFeed } from '../events/tenant-status.feed';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';
import { CreateOrgBody, createOrgBody, idempotencyKey, ListOrgsQuery, listOrgsQuery } from './org.schemas';
import { TenantReads } from './tenant-reads';
import { TENANT_STATUS_RESPONSE } from './tenant-status.schema';
import { statusUrlOf } from '../routes';
import { tenantStatusView, tenantView } from './tenant.views';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
const IdempotencyKey = new ZodValidationPipe(idempotencyKey);

@Controller('org')
@UseGuards(AdminApiKeyGuard)
export class OrgController {
  constructor(
    private readonly registerTenant: RegisterTenant,
    private readonly retryTenant: RetryTenant,
    private readonly rotateCredentials: RotateTenantCredentials,
    private readonly reads: TenantReads,
    private readonly feed: TenantStatusFeed,
    private readonly streams: EventStreamLimiter,
  ) {}

  /** Records the tenant and queues its provisioning; poll statusUrl or stream events until ready. */
  @Post('create')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(ThrottlerGuard, JsonBodyGuard)
  async create(
    @Body(new ZodValidationPipe(createOrgBody)) body: CreateOrgBody,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const queued = await this.registerTenant.execute({ ...body, idempotencyKey: IdempotencyKey.transform(rawKey) });
    if (queued.replayed) void reply.header('Idempotent-Replayed', 'true');
    return accepted(queued);
  }

  @Get()
  async list(@Query(new ZodValidationPipe(listOrgsQuery)) query: ListOrgsQuery) {
    const page = await this.reads.list(query);
    return { items: page.tenants.map(tenantView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  async get(@Param('id', TenantId) id: string) {
    return tenantView(await this.reads.get(id));
  }

  @Get(':id/status')
  @RouteSchema({ response: TENANT_STATUS_RESPONSE })
  async status(@Param('id', TenantId) id: string) {
    return tenantStatusView(await this.reads.get(id));
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  async retry(@Param('id', TenantId) id: string) {
    return accepted(await this.retryTenant.execute(id));
  }

  /** A new password for the tenant's database role, shown this once; the old one stops working. */
  @Post(':id/credentials/rotate')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  async rotate(@Param('id', TenantId) id: string) {
    const credentials = await this.rotateCredentials.execute(id);
    this.reads.forget(id);
    return { id, ...credentials, rotatedAt: new Date() };
  }

  /**
   * Server-Sent Events: one `status` event per change, ending after `ready` or `failed` (or after
   * SSE_MAX_SECONDS), with `heartbeat` events in between.
   */
  @Sse(':id/events')
  async events(@Param('id', TenantId) id: string): Promise<Observable<MessageEvent>> {
    const changes = this.feed.watch(await this.reads.current(id));
    return this.streams.open(changes.pipe(map((tenant) => ({ type: 'status', data: tenantStatusView(tenant) }))));
  }
}

function accepted({ tenant, jobId }: QueuedTenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    dbName: tenant.dbName,
    server: tenant.server,
    status: tenant.status,
    jobId,
    statusUrl: statusUrlOf(tenant.id),
  };
}
