import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { logChangingRequests } from '../logging/access-log';
import { redactUrl } from '../postgres/connection-url';
import { describeRedisTopology } from '../redis/redis-client.factory';
import { traceRequests } from '../tracing/request-spans';

/** The largest body the api takes is a tenant's name: anything bigger is refused unread. */
const MAX_BODY_BYTES = 16 * 1024;

/**
 * Node checks for requests past their timeout only every connectionsCheckingInterval (30 s by
 * default), which would let a slow sender hold a connection for up to twice the timeout.
 */
const TIMEOUT_CHECKS_PER_REQUEST_TIMEOUT = 10;

export interface FastifyAppOptions {
  /** Fastify's rewriteUrl: the URL a request is routed by, given the raw request. */
  rewriteUrl?: (request: { url?: string }) => string;
}

/** A Nest app on Fastify that logs through pino and closes cleanly on SIGTERM/SIGINT. */
export async function createFastifyApp(
  module: DynamicModule,
  config: AppConfig,
  { rewriteUrl }: FastifyAppOptions = {},
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({
      bodyLimit: MAX_BODY_BYTES,
      genReqId: requestId,
      trustProxy: config.http.trustProxy,
      requestTimeout: config.http.requestTimeoutMs,
      connectionTimeout: config.http.connectionTimeoutMs,
      http: { connectionsCheckingInterval: config.http.requestTimeoutMs / TIMEOUT_CHECKS_PER_REQUEST_TIMEOUT },
      ...(rewriteUrl && { rewriteUrl: (request: { url?: string }) => rewriteUrl(request) }),
    }),
    { bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  logger.log(
    {
      masterDatabase: redactUrl(config.master.url),
      tenantServer: redactUrl(config.tenantServer.maintenanceUrl),
      redis: describeRedisTopology(config.redis.topology),
    },
    'servers in use',
  );
  if (config.tenants.usingDevelopmentSecretKey) {
    logger.warn('TENANT_SECRET_KEY is not set: tenant passwords are encrypted with a development key');
  }
  logChangingRequests(app);
  if (config.tracing.endpoint) traceRequests(app);
  app.enableShutdownHooks();
  return app;
}

/** The caller's X-Request-Id when it sent a sane one, else a fresh id. */
function requestId(request: { headers: IncomingHttpHeaders }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
}
