import {
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
  Res,
  Sse,
  UseGuards,
} from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiHeader, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import {
  ApiAnswers,
  ApiRefusals,
  JsonBodyGuard,
  openApiSchema,
  QueuedTenant,
  RegisterTenant,
  RetryTenant,
  RotateTenantCredentials,
  ZodBody,
  ZodQuery,
  ZodValidationPipe,
} from '@app/tenancy';
import { z } from 'zod';
import { map, Observable } from 'rxjs';
import { EventStreamLimiter } from '../events/event-stream.limiter';
import { TenantStatusFeed } from '../events/tenant-status.feed';
import { AdminRoutes } from '../http/admin-routes.decorator';
import { CreateOrgBody, createOrgBody, idempotencyKey, ListOrgsQuery, listOrgsQuery } from './org.schemas';
import { TenantReads } from './tenant-reads';
import { TENANT_STATUS_RESPONSE } from './tenant-status.schema';
import { statusUrlOf } from '../routes';
import { queuedTenantAnswer, rotatedCredentialsAnswer } from './org.answers';
import { tenantAnswer, tenantPageAnswer, tenantStatusAnswer, tenantStatusView, tenantView } from './tenant.views';

const TenantId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
const IdempotencyKey = new ZodValidationPipe(idempotencyKey);

const NOT_FOUND = { 404: 'No tenant with this id' };
const BAD_ID = { 400: 'The id is not a UUID' };

@Controller('org')
@AdminRoutes()
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
  @ApiOperation({ summary: 'Register a tenant and queue its provisioning' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key answers the same tenant' })
  @ApiAnswers({ 202: ['Recorded and queued: poll statusUrl or stream /org/:id/events until ready', queuedTenantAnswer] })
  @ApiRefusals({
    400: 'The body is not {name, server?}, the name makes no usable slug, or the Idempotency-Key is malformed',
    404: 'No database server with this name',
    409: 'Another tenant has this slug (existingTenantId), or the server named takes no new tenants',
    415: 'The body is not JSON',
    422: 'The Idempotency-Key was used for another name',
    429: 'More than CREATE_RATE_LIMIT creations a minute',
    503: 'The queue or every database server is unavailable; the tenant is recorded (statusUrl) and provisioned later',
  })
  async create(
    @ZodBody(createOrgBody) body: CreateOrgBody,
    @Headers('idempotency-key') rawKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const queued = await this.registerTenant.execute({ ...body, idempotencyKey: IdempotencyKey.transform(rawKey) });
    if (queued.replayed) void reply.header('Idempotent-Replayed', 'true');
    return accepted(queued);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants, newest first, a page at a time' })
  @ApiAnswers({ 200: ['A page of tenants', tenantPageAnswer] })
  async list(@ZodQuery(listOrgsQuery) query: ListOrgsQuery) {
    const page = await this.reads.list(query);
    return { items: page.tenants.map(tenantView), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A tenant, with its schema version and what a deletion left' })
  @ApiAnswers({ 200: ['The tenant', tenantAnswer] })
  @ApiRefusals({ ...BAD_ID, ...NOT_FOUND })
  async get(@Param('id', TenantId) id: string) {
    return tenantView(await this.reads.get(id));
  }

  @Get(':id/status')
  @RouteSchema({ response: TENANT_STATUS_RESPONSE })
  @ApiOperation({ summary: "A tenant's status, step, attempts and error: the route to poll" })
  @ApiAnswers({ 200: ["The tenant's progress", tenantStatusAnswer] })
  @ApiRefusals({ ...BAD_ID, ...NOT_FOUND })
  async status(@Param('id', TenantId) id: string) {
    return tenantStatusView(await this.reads.get(id));
  }

  @Post(':id/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Queue the provisioning of a failed tenant again' })
  @ApiAnswers({ 202: ['Queued again', queuedTenantAnswer] })
  @ApiRefusals({ ...BAD_ID, ...NOT_FOUND, 409: 'The tenant has not failed', 503: 'The queue is unavailable' })
  async retry(@Param('id', TenantId) id: string) {
    return accepted(await this.retryTenant.execute(id));
  }

  /** A new password for the tenant's database role, shown this once; the old one stops working. */
  @Post(':id/credentials/rotate')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "Give the tenant's database role a new password" })
  @ApiAnswers({ 200: ['The new password, shown this once', rotatedCredentialsAnswer] })
  @ApiRefusals({ ...BAD_ID, ...NOT_FOUND, 409: 'The tenant is not ready, or its role no longer logs in with the password kept' })
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
  @ApiOperation({ summary: "Server-Sent Events: the tenant's status at each change, until it settles" })
  @ApiResponse({
    status: 200,
    description: 'A `status` event (data: the status view) at each change, `heartbeat` events in between',
    content: { 'text/event-stream': { schema: openApiSchema(tenantStatusAnswer, 'output') } },
  })
  @ApiRefusals({ ...BAD_ID, ...NOT_FOUND, 503: 'Too many streams open (SSE_MAX_STREAMS), or the master database is out of reach' })
  async events(@Param('id', TenantId) id: string): Promise<Observable<MessageEvent>> {
    const changes = this.feed.watch(await this.reads.current(id));
    return this.streams.open(changes.pipe(map((tenant) => ({ type: 'status', data: tenantStatusView(tenant) }))));
  }
}

function accepted({ tenant, jobId }: QueuedTenant): z.infer<typeof queuedTenantAnswer> {
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
