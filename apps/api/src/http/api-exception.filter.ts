import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isConnectionError, TenantError, TenantErrorCode } from '@app/tenancy';
import type { FastifyReply } from 'fastify';
import { KnexTimeoutError } from 'knex';
import { statusUrlOf } from '../routes';

/** A client told the master database is away or saturated waits this long before trying again. */
const MASTER_RETRY_AFTER_S = 5;

/**
 * The one place where the tenancy library's errors become HTTP answers, and an unreachable or
 * saturated master database a clear 503 with Retry-After. Anything else is Nest's default handling.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (isConnectionError(error))
      void host.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(MASTER_RETRY_AFTER_S));
    super.catch(toHttpException(error) ?? error, host);
  }
}

/** The HTTP answer for a library error or an unreachable master; undefined for anything else. */
export function toHttpException(error: unknown): HttpException | undefined {
  if (error instanceof TenantError) {
    const statusCode = httpStatusOf(error.code);
    const body: Record<string, unknown> = { statusCode, error: STATUS_CODES[statusCode], message: error.message, ...error.details };
    const recorded = error.code === 'queue_unavailable' || error.code === 'no_server_capacity';
    if (recorded && error.details.tenantId) body.statusUrl = statusUrlOf(error.details.tenantId);
    return new HttpException(body, statusCode);
  }
  // Knex's pool gave no connection within acquireConnectionTimeout: every one busy, or none can be opened.
  if (error instanceof KnexTimeoutError) {
    return new ServiceUnavailableException(
      'no master database connection came free in time: the database is overloaded or out of reach; try again shortly (see GET /health)',
    );
  }
  if (isConnectionError(error)) {
    return new ServiceUnavailableException('the master database is unavailable; try again shortly (see GET /health)');
  }
  return undefined;
}

function httpStatusOf(code: TenantErrorCode): HttpStatus {
  switch (code) {
    case 'name_rejected':
    case 'rollout_rejected':
    case 'backup_invalid':
    case 'server_rejected':
      return HttpStatus.BAD_REQUEST;
    case 'tenant_not_found':
    case 'api_key_not_found':
    case 'rollout_not_found':
    case 'backup_not_found':
    case 'server_not_found':
      return HttpStatus.NOT_FOUND;
    case 'slug_taken':
    case 'not_failed':
    case 'not_ready':
    case 'busy':
    case 'credentials_rejected':
    case 'foreign_database_object':
    case 'api_key_limit':
    case 'rollout_conflict':
    case 'wrong_status':
    case 'operation_in_progress':
    case 'server_exists':
    case 'server_unavailable':
      return HttpStatus.CONFLICT;
    case 'idempotency_key_reused':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'queue_unavailable':
    case 'no_server_capacity':
    case 'no_room_to_restore':
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(code: never): never {
  throw new Error(`unmapped tenant error code ${String(code)}`);
}
