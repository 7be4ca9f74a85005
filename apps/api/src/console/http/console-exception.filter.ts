import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttpException } from '../../http/api-exception.filter';
import { errorPage } from '../views/error.page';
import { sendPage, seeOther } from './console-reply';
import { LoginRequired } from './login-required';
import { PageFrames } from './page-frames';

/** The console's errors as pages a person reads, with the same statuses and messages as the JSON api's. */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsoleExceptionFilter.name);

  constructor(private readonly frames: PageFrames) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof LoginRequired) {
      void seeOther(reply, `/console/login?returnTo=${encodeURIComponent(error.returnTo)}`);
      return;
    }
    const answer = error instanceof HttpException ? error : toHttpException(error);
    if (!answer) this.logger.error(error);
    const status = answer?.getStatus() ?? HttpStatus.INTERNAL_SERVER_ERROR;
    const message = answer ? messageOf(answer) : "Something went wrong; the api's log has the details.";
    void sendPage(reply, errorPage(this.frames.of(request.operatorSession), STATUS_CODES[status] ?? 'Error', message), status);
  }
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : error.message;
}
