import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config';
// A type only: erased from the compiled file, so it loads no SDK.
import type { Tracing } from './tracing-sdk';

export type { Tracing };

/**
 * Starts the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set. Otherwise the SDK is never
 * loaded, and every span the code makes is the API's no-op. Once per process, before the app.
 */
export async function startTracing(config: Pick<AppConfig, 'tracing'>, defaultServiceName: string): Promise<Tracing | undefined> {
  const { endpoint, serviceName } = config.tracing;
  if (!endpoint) return undefined;
  const { startTracingSdk } = await import('./tracing-sdk');
  return startTracingSdk(endpoint, serviceName ?? defaultServiceName);
}

/** Flushes the last spans when the app closes (SIGTERM included), before the process exits. */
export function stopTracingOnClose(app: NestFastifyApplication, tracing: Tracing | undefined): void {
  if (!tracing) return;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', () => tracing.shutdown());
}
