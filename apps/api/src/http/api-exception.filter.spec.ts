import { Controller, Get, INestApplication, NotFoundException } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TenantError, TenantErrorCode } from '@app/tenancy';
import { KnexTimeoutError } from 'knex';
import { ApiExceptionFilter } from './api-exception.filter';

/**
 * The answer to each code. `satisfies` makes the type checker refuse this table when a code is
 * added to or removed from TenantErrorCode; the test below does the same at run time (jest does
 * not type-check), from the codes TenantError's factories produce.
 */
const ANSWERS = {
  name_rejected: [400, 'Bad Request'],
  rollout_rejected: [400, 'Bad Request'],
  backup_invalid: [400, 'Bad Request'],
  tenant_not_found: [404, 'Not Found'],
  api_key_not_found: [404, 'Not Found'],
  rollout_not_found: [404, 'Not Found'],
  backup_not_found: [404, 'Not Found'],
  slug_taken: [409, 'Conflict'],
  not_failed: [409, 'Conflict'],
  not_ready: [409, 'Conflict'],
  busy: [409, 'Conflict'],
  credentials_rejected: [409, 'Conflict'],
  foreign_database_object: [409, 'Conflict'],
  api_key_limit: [409, 'Conflict'],
  rollout_conflict: [409, 'Conflict'],
  wrong_status: [409, 'Conflict'],
  operation_in_progress: [409, 'Conflict'],
  idempotency_key_reused: [422, 'Unprocessable Entity'],
  queue_unavailable: [503, 'Service Unavailable'],
  server_not_found: [404, 'Not Found'],
  server_exists: [409, 'Conflict'],
  server_rejected: [400, 'Bad Request'],
  server_unavailable: [409, 'Conflict'],
  no_server_capacity: [503, 'Service Unavailable'],
  no_room_to_restore: [503, 'Service Unavailable'],
} as const satisfies Record<TenantErrorCode, readonly [number, string]>;

/** Refusals that still recorded the tenant: the answer links its status. */
const RECORDED = new Set<string>(['queue_unavailable', 'no_server_capacity']);

/** One error from each static factory of TenantError, called with placeholder arguments. */
function oneErrorPerFactory(): TenantError[] {
  const factories = TenantError as unknown as Record<string, (...args: string[]) => unknown>;
  return Object.getOwnPropertyNames(TenantError)
    .filter((name) => typeof factories[name] === 'function')
    .map((name) => factories[name]!(...Array<string>(factories[name]!.length).fill('tenant-1')))
    .filter((made): made is TenantError => made instanceof TenantError);
}

let thrown: unknown;

@Controller()
class ThrowingController {
  @Get('fail')
  fail(): never {
    throw thrown;
  }
}

describe('ApiExceptionFilter', () => {
  let app: INestApplication;

  const answerTo = async (error: unknown) => {
    thrown = error;
    const response = await (app as NestFastifyApplication).inject({ method: 'GET', url: '/fail' });
    return { status: response.statusCode, body: response.json(), retryAfter: response.headers['retry-after'] };
  };

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [ThrowingController],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.init();
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  it('has an expected answer for every code, and no other', () => {
    const codes = new Set(oneErrorPerFactory().map((error) => error.code));
    expect([...codes].sort()).toEqual(Object.keys(ANSWERS).sort());
  });

  it.each(Object.entries(ANSWERS))('answers %s with %j', async (code, [statusCode, name]) => {
    const error = new TenantError(code as TenantErrorCode, `refused: ${code}`, { tenantId: 'tenant-1' });
    const expected: Record<string, unknown> = { statusCode, error: name, message: `refused: ${code}`, tenantId: 'tenant-1' };
    if (RECORDED.has(code)) expected.statusUrl = '/org/tenant-1/status';

    await expect(answerTo(error)).resolves.toEqual({ status: statusCode, body: expected });
  });

  it('answers every factory-made error with its details and nothing else', async () => {
    for (const error of oneErrorPerFactory()) {
      const { status, body } = await answerTo(error);
      expect(status).toBe(ANSWERS[error.code][0]);
      expect(Object.keys(body).sort()).toEqual(
        ['statusCode', 'error', 'message', ...Object.keys(error.details), ...(RECORDED.has(error.code) ? ['statusUrl'] : [])].sort(),
      );
    }
  });

  it('carries the tenant a slug conflict is with', async () => {
    const error = TenantError.slugTaken('acme', 'existing-tenant');
    await expect(answerTo(error)).resolves.toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: error.message, existingTenantId: 'existing-tenant' },
    });
  });

  it('links a tenant recorded while the queue is away to its status', async () => {
    const error = TenantError.queueUnavailable('tenant-7');
    await expect(answerTo(error)).resolves.toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: error.message,
        tenantId: 'tenant-7',
        statusUrl: '/org/tenant-7/status',
      },
    });
  });

  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down', Object.assign(new Error('terminating connection'), { code: '57P01' })],
  ])('answers %s with 503 and Retry-After', async (_what, error) => {
    await expect(answerTo(error)).resolves.toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('master database is unavailable') },
      retryAfter: '5',
    });
  });

  it('answers a pool that gave no connection in time with 503 and Retry-After, saying busy or unreachable', async () => {
    await expect(answerTo(new KnexTimeoutError('Knex: Timeout acquiring a connection'))).resolves.toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('overloaded or out of reach') },
      retryAfter: '5',
    });
  });

  it("leaves Nest's own exceptions to Nest", async () => {
    await expect(answerTo(new NotFoundException('no such route'))).resolves.toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'no such route' },
    });
  });

  it('answers anything else as Nest does: 500 without details', async () => {
    await expect(answerTo(new Error('secret internals'))).resolves.toEqual({
      status: 500,
      body: { statusCode: 500, message: 'Internal server error' },
    });
  });
});
