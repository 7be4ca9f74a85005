import { AppConfig, assertTenantFilesLoad, createFastifyApp } from '@app/tenancy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WorkerModule } from './worker.module';

/**
 * The provisioning worker; its only HTTP surface is health. Its tenant migrations and seeds are
 * loaded once before anything else: BullMQ takes jobs as soon as the module starts, and a file
 * this process cannot load must stop it then, not fail tenants one after another.
 */
export async function createWorkerApp(config: AppConfig): Promise<NestFastifyApplication> {
  await assertTenantFilesLoad(config);
  return createFastifyApp(WorkerModule.forRoot(config), config);
}
