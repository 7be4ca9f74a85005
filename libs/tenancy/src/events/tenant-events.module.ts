import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TENANT_EVENTS_CLIENT } from './tenant-events';
import { TenantEventsClient } from './tenant-events.client';
import { TenantEventsPublisher } from './tenant-events.publisher';

@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: TENANT_EVENTS_CLIENT,
        inject: [APP_CONFIG],
        useFactory: ({ redis }: Pick<AppConfig, 'redis'>) => ({
          customClass: TenantEventsClient,
          options: { topology: redis.topology },
        }),
      },
    ]),
  ],
  providers: [TenantEventsPublisher],
  exports: [TenantEventsPublisher],
})
export class TenantEventsModule {}
