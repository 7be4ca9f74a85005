import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Observable } from 'rxjs';
import { tracer } from './tracer';

const requestSpans = new WeakMap<IncomingMessage, Span>();

/**
 * A server span per HTTP request, continuing the caller's traceparent. It opens and closes in
 * Fastify's hooks, so it covers guards and the status code sent; a Fastify hook cannot make it
 * the active context, so an interceptor does that for the handler. Only called when tracing is on.
 */
export function traceRequests(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route } },
      propagation.extract(ROOT_CONTEXT, request.headers),
    );
    requestSpans.set(request.raw, span);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const span = requestSpans.get(request.raw);
    span?.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    if (reply.statusCode >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
    span?.end();
    done();
  });
  app.useGlobalInterceptors(new ActiveRequestSpan());
}

class ActiveRequestSpan implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const span = requestSpans.get(execution.switchToHttp().getRequest<FastifyRequest>().raw);
    // Nest binds the handler to the async context in which handle() is called.
    return span ? context.with(trace.setSpan(ROOT_CONTEXT, span), () => next.handle()) : next.handle();
  }
}
