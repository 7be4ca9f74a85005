import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { PROVISIONING_QUEUE } from './provisioning.constants';
import { ProvisioningQueue } from './provisioning-queue.service';

const MAX_RECONNECT_DELAY_MS = 2000;

export interface ProvisioningQueueOptions {
  /**
   * An HTTP request must not hang while Redis is away: fail a command after one reconnect
   * attempt. Workers instead wait for Redis (BullMQ requires it for blocking connections).
   */
  failFast: boolean;
}

@Module({})
export class ProvisioningQueueModule {
  static register(options: ProvisioningQueueOptions): DynamicModule {
    return {
      module: ProvisioningQueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            prefix: config.queuePrefix,
            connection: {
              ...redisOptionsFromUrl(config.redisUrl),
              maxRetriesPerRequest: options.failFast ? 1 : null,
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
