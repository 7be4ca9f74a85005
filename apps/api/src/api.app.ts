import { AppConfig, createFastifyApp, redisOptionsFromUrl } from '@app/tenancy';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './api.module';

/** The HTTP api, also subscribed to the workers' tenant events (a hybrid application). */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(ApiModule.forRoot(config), config);
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.REDIS,
    options: redisOptionsFromUrl(config.redisUrl),
  });
  await app.startAllMicroservices();
  if (!config.adminApiKey) {
    app.get(Logger).warn('ADMIN_API_KEY is not set: /org endpoints are open to anyone who can reach this port');
  }
  return app;
}
