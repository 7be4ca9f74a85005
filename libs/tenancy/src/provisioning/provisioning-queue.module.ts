import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import type { RedisClient, RedisTuning } from '../redis/redis-client.factory';
import { RedisClientModule } from '../redis/redis-client.module';
import { PROVISIONING_QUEUE } from './provisioning.constants';
import { ProvisioningQueue } from './provisioning-queue.service';

const MAX_RECONNECT_DELAY_MS = 2000;
const QUEUE_REDIS = Symbol('QUEUE_REDIS');

/**
 * The provisioning queue, connected the way its side needs: producers fail fast, workers wait.
 * Every queue of the app shares the connection; BullMQ gives each worker a duplicate to block on.
 */
@Module({})
export class ProvisioningQueueModule {
  /** An HTTP request must not hang while Redis is away: a command fails after one reconnect attempt. */
  static forProducers(): DynamicModule {
    return ProvisioningQueueModule.connected({ maxRetriesPerRequest: 1 });
  }

  /** Workers wait for Redis however long it is away (BullMQ requires it of blocking connections). */
  static forWorkers(): DynamicModule {
    return ProvisioningQueueModule.connected({ maxRetriesPerRequest: null });
  }

  private static connected(retries: Pick<RedisTuning, 'maxRetriesPerRequest'>): DynamicModule {
    return {
      module: ProvisioningQueueModule,
      imports: [
        BullModule.forRootAsync({
          imports: [
            RedisClientModule.register(QUEUE_REDIS, () => ({
              ...retries,
              retryStrategy: (times: number) => Math.min(100 * 2 ** times, MAX_RECONNECT_DELAY_MS),
            })),
          ],
          inject: [APP_CONFIG, QUEUE_REDIS],
          useFactory: ({ redis }: Pick<AppConfig, 'redis'>, connection: RedisClient) => ({
            prefix: redis.queuePrefix,
            // BullMQ types ioredis from its own, newer 5.x copy; the client is used through the same API.
            connection: connection as unknown as ConnectionOptions,
          }),
        }),
        BullModule.registerQueue({ name: PROVISIONING_QUEUE }),
      ],
      providers: [ProvisioningQueue],
      exports: [ProvisioningQueue, BullModule],
    };
  }
}
