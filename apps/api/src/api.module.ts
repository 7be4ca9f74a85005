import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig, TenancyModule } from '@app/tenancy';
import { TenantEventsController } from './events/tenant-events.controller';
import { TenantStatusFeed } from './events/tenant-status.feed';
import { ApiHealthController } from './health/api-health.controller';
import { DomainExceptionFilter } from './http/domain-exception.filter';
import { OrgController } from './org/org.controller';
import { OrgService } from './org/org.service';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [TenancyModule.forRoot({ config, service: 'api' })],
      controllers: [OrgController, ApiHealthController, TenantEventsController],
      providers: [OrgService, TenantStatusFeed, { provide: APP_FILTER, useClass: DomainExceptionFilter }],
    };
  }
}
