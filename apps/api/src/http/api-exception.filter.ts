import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import {
  isConnectionError,
  TenantBusyError,
  TenantNameRejectedError,
  TenantNotFoundError,
  TenantNotReadyError,
  TenantSlugTakenError,
} from '@app/tenancy';

/**
 * Turns the tenancy library's errors into the answers the API promises, and an unreachable
 * master database into a clear 503. Anything else is Nest's default handling.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    super.catch(toHttpException(error) ?? error, host);
  }
}

function toHttpException(error: unknown): HttpException | undefined {
  if (error instanceof TenantSlugTakenError) {
    return new ConflictException({
      statusCode: 409,
      error: 'Conflict',
      message: error.message,
      existingTenantId: error.existingTenantId,
    });
  }
  if (error instanceof TenantNotFoundError) return new NotFoundException(error.message);
  if (error instanceof TenantNameRejectedError) return new BadRequestException(error.message);
  if (error instanceof TenantNotReadyError) return new ConflictException(error.message);
  if (error instanceof TenantBusyError) return new ConflictException(`${error.message}; try again shortly`);
  if (isConnectionError(error)) {
    return new ServiceUnavailableException('the master database is unavailable; try again shortly (see GET /health)');
  }
  return undefined;
}
