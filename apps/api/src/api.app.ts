import { AppConfig, createFastifyApp, serveApiDocs, TenantEventsServer } from '@app/tenancy';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { describeAdminApi } from './api.document';
import { ApiModule } from './api.module';
import { prepareConsoleHttp } from './console/console-http';
import { showFleetQueuesOnBoard } from './queues-board/fleet-queues-on-board';
import { guardQueuesBoard } from './queues-board/queues-board.guard';

const EVENTS_RECONNECT_MS = 1000;

/** The HTTP api, also subscribed to the workers' tenant events (a hybrid application). */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(ApiModule.forRoot(config), config);
  serveApiDocs(app, describeAdminApi);
  await prepareConsoleHttp(app);
  guardQueuesBoard(app);
  showFleetQueuesOnBoard(app);
  app.connectMicroservice<MicroserviceOptions>({
    // Without retryAttempts Nest's Redis server never reconnects: one Redis restart would leave
    // the api deaf to events for good (its streams would still poll, a second late).
    strategy: new TenantEventsServer(config.redis.topology, {
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryDelay: EVENTS_RECONNECT_MS,
    }),
  });
  await app.startAllMicroservices();
  if (!config.api.adminApiKey) {
    app
      .get(Logger)
      .warn('ADMIN_API_KEY is not set: /org endpoints, the console and Bull Board are open to anyone who can reach this port');
  }
  return app;
}
