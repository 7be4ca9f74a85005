import { Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpRequestMetrics } from './http-request.metrics';

/**
 * The app's own Prometheus registry (injected as `Registry`), with Node's process metrics and the
 * HTTP request durations. Never prom-client's global registry: the tests run several apps in one process.
 */
@Module({
  providers: [{ provide: Registry, useFactory: processRegistry }, HttpRequestMetrics],
  exports: [Registry],
})
export class MetricsModule {}

function processRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
