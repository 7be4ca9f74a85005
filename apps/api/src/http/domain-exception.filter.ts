import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { TenantNameRejectedError, TenantNotFoundError, TenantSlugTakenError } from '@app/tenancy';
import type { FastifyReply } from 'fastify';

type DomainError = TenantNameRejectedError | TenantNotFoundError | TenantSlugTakenError;

/** Turns the tenancy library's errors into the HTTP answers the API promises. */
@Catch(TenantNameRejectedError, TenantNotFoundError, TenantSlugTakenError)
export class DomainExceptionFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [statusCode, label, extra] = describe(error);
    void reply.status(statusCode).send({ statusCode, error: label, message: error.message, ...extra });
  }
}

function describe(error: DomainError): [HttpStatus, string, Record<string, unknown>] {
  if (error instanceof TenantSlugTakenError) {
    return [HttpStatus.CONFLICT, 'Conflict', { existingTenantId: error.existingTenantId }];
  }
  if (error instanceof TenantNotFoundError) return [HttpStatus.NOT_FOUND, 'Not Found', {}];
  return [HttpStatus.BAD_REQUEST, 'Bad Request', {}];
}
