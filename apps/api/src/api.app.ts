import { AppConfig, createFastifyApp, redisOptionsFromUrl } from '@app/tenancy';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiModule } from './api.module';

/** The HTTP api, also subscribed to the workers' tenant events (a hybrid application). */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(ApiModule.forRoot(config));
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.REDIS, options: redisOptionsFromUrl(config.redisUrl) },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  return app;
}
