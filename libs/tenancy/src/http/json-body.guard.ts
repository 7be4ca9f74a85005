import { CanActivate, ExecutionContext, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A body that is sent must be JSON; a form or text body gets 415 instead of a confusing 400. */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<FastifyRequest>().headers['content-type'];
    if (contentType === undefined || /^application\/json\s*(;|$)/i.test(contentType)) return true;
    throw new UnsupportedMediaTypeException(`Content-Type must be application/json, not ${contentType}`);
  }
}
