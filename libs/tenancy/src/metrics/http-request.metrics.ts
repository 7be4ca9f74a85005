import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';

/** The route label of a request no route matched (404s): raw URLs would make a series per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * http_request_duration_seconds by method, route pattern (`/org/:id/status`, never the URL with
 * its ids) and status code. Observed from Fastify's onResponse hook, which every request passes,
 * 404s and guard refusals included, and which costs less than a Nest interceptor.
 */
@Injectable()
export class HttpRequestMetrics implements OnModuleInit {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    registry: Registry,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status code, from arrival to the last byte sent',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: reply.statusCode },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
