import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoLogger } from 'nestjs-pino';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * One log line per request that changes something; reads (status polls, probes, lists) are the
 * bulk of traffic and say nothing new. Written from Fastify's own hook rather than nestjs-pino's
 * request middleware: that middleware wraps each request in an AsyncLocalStorage, and on Node 20
 * the first such use slows every later request of the process by about 30% (measured on the
 * status route). Fastify already gives each request an id and its duration.
 */
export function logChangingRequests(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      if (!READS.has(request.method)) {
        // The raw objects, so pino's standard serializers (and the redaction of auth headers) apply.
        PinoLogger.root.info(
          { reqId: request.id, req: request.raw, res: reply.raw, responseTime: Math.round(reply.elapsedTime) },
          reply.raw.statusCode >= 500 ? 'request errored' : 'request completed',
        );
      }
      done();
    });
}
