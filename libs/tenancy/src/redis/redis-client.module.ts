import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { createRedisClient, RedisClient, RedisTuning } from './redis-client.factory';

const OWNED_CLIENT = Symbol('OWNED_REDIS_CLIENT');

/**
 * One Redis client, provided as `token` and quit when the app shuts down. That is the last
 * shutdown phase, so workers, which close in the phase before, still finish their jobs on it.
 */
@Module({})
export class RedisClientModule implements OnApplicationShutdown {
  constructor(@Inject(OWNED_CLIENT) private readonly client: RedisClient) {}

  static register(token: symbol, tuning: (redis: AppConfig['redis']) => RedisTuning): DynamicModule {
    return {
      module: RedisClientModule,
      providers: [
        {
          provide: OWNED_CLIENT,
          inject: [APP_CONFIG],
          useFactory: ({ redis }: Pick<AppConfig, 'redis'>) => createRedisClient(redis.topology, tuning(redis)),
        },
        { provide: token, useExisting: OWNED_CLIENT },
      ],
      exports: [token],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT waits for the replies still due; with Redis away it would wait for Redis too.
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}
