import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig, TenancyModule, TenantDatabasesModule, tenantStatusChannel } from '@app/tenancy';
import { EventStreamLimiter } from './events/event-stream.limiter';
import { tenantEventsControllerFor } from './events/tenant-events.controller';
import { TenantStatusFeed } from './events/tenant-status.feed';
import { ApiHealthController } from './health/api-health.controller';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { OrgController } from './org/org.controller';
import { OrgService } from './org/org.service';
import { ReadyTenantCache } from './org/ready-tenant.cache';
import { AuthFailureLimiter } from './rate-limit/auth-failure.limiter';
import { RateLimitStorageModule } from './rate-limit/rate-limit-storage.module';
import { RateLimitStorage } from './rate-limit/rate-limit.storage';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        TenancyModule.forRoot({ config, service: 'api' }),
        TenantDatabasesModule,
        ThrottlerModule.forRootAsync({
          imports: [RateLimitStorageModule],
          inject: [APP_CONFIG, RateLimitStorage],
          useFactory: ({ createRateLimit }: AppConfig, storage: RateLimitStorage) => ({
            throttlers: [{ name: 'create', ttl: 60_000, limit: createRateLimit }],
            skipIf: () => createRateLimit === 0,
            storage,
          }),
        }),
      ],
      controllers: [OrgController, ApiHealthController, tenantEventsControllerFor(tenantStatusChannel(config.queuePrefix))],
      providers: [
        OrgService,
        ReadyTenantCache,
        TenantStatusFeed,
        EventStreamLimiter,
        AuthFailureLimiter,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
