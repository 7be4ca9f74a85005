import { AppConfig, createFastifyApp } from '@app/tenancy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WorkerModule } from './worker.module';

/** The provisioning worker; its only HTTP surface is health. */
export function createWorkerApp(config: AppConfig): Promise<NestFastifyApplication> {
  return createFastifyApp(WorkerModule.forRoot(config), config);
}
