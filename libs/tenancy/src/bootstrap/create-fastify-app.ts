import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DynamicModule } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

export const MAX_BODY_BYTES = 1024 * 1024;

/** A Nest app on Fastify that logs through pino and closes cleanly on SIGTERM/SIGINT. */
export async function createFastifyApp(module: DynamicModule): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}
