import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { TENANT_EVENTS_CLIENT } from './tenant-events';
import { TenantEventsPublisher } from './tenant-events.publisher';

@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: TENANT_EVENTS_CLIENT,
        inject: [APP_CONFIG],
        useFactory: ({ redis }: Pick<AppConfig, 'redis'>) => ({
          transport: Transport.REDIS,
          options: redisOptionsFromUrl(redis.url),
        }),
      },
    ]),
  ],
  providers: [TenantEventsPublisher],
  exports: [TenantEventsPublisher],
})
export class TenantEventsModule {}
