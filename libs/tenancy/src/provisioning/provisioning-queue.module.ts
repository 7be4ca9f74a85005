import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { PROVISIONING_QUEUE } from './provisioning.constants';
import { ProvisioningQueue } from './provisioning-queue.service';

const MAX_RECONNECT_DELAY_MS = 2000;

/** The provisioning queue, connected the way its side needs: producers fail fast, workers wait. */
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

  private static connected(retries: Pick<RedisOptions, 'maxRetriesPerRequest'>): DynamicModule {
    return {
      module: ProvisioningQueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: ({ redis }: Pick<AppConfig, 'redis'>) => ({
            prefix: redis.prefix,
            connection: {
              ...redisOptionsFromUrl(redis.url),
              ...retries,
              retryStrategy: (times: number) => Math.min(100 * 2 ** times, MAX_RECONNECT_DELAY_MS),
            },
          }),
        }),
        BullModule.registerQueue({ name: PROVISIONING_QUEUE }),
      ],
      providers: [ProvisioningQueue],
      exports: [ProvisioningQueue, BullModule],
    };
  }
}
