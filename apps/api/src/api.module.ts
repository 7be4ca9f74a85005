import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import {
  ApiKeyRepository,
  APP_CONFIG,
  AppConfig,
  DependencyHealthIndicator,
  DatabaseServerRepository,
  FleetQueue,
  FleetQueueModule,
  IssueApiKey,
  LIFECYCLE_REQUEST_PROVIDERS,
  LifecycleQueueModule,
  ListApiKeys,
  LoggingModule,
  MasterDatabaseModule,
  MetricsModule,
  metricsControllerFor,
  PROVISIONING_QUEUE,
  ProvisioningQueueModule,
  QueueJobMetrics,
  RegisterTenant,
  RetryTenant,
  RevokeApiKey,
  ROLLOUT_CONTROL_PROVIDERS,
  RolloutProgressMetrics,
  RotateTenantCredentials,
  TenancyConfigModule,
  TenantEnqueuer,
  TenantEventsModule,
  TENANT_LIFECYCLE_QUEUE,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  tenantStatusChannel,
  TenantStatusMetrics,
  DATABASE_SERVER_PROVIDERS,
  TenantPlacement,
  AdminKey,
  SERVER_STATES,
} from '@app/tenancy';
import { EventStreamLimiter } from './events/event-stream.limiter';
import { tenantEventsControllerFor } from './events/tenant-events.controller';
import { TenantStatusFeed } from './events/tenant-status.feed';
import { ApiHealthController } from './health/api-health.controller';
import { AdminApiKeyGuard } from './http/admin-api-key.guard';
import { ApiExceptionFilter } from './http/api-exception.filter';
import { FleetController } from './fleet/fleet.controller';
import { ApiKeysController } from './org/api-keys.controller';
import { LifecycleController } from './org/lifecycle.controller';
import { OrgController } from './org/org.controller';
import { TenantReads } from './org/tenant-reads';
import { AuthFailureLimiter } from './rate-limit/auth-failure.limiter';
import { RateLimitStorageModule } from './rate-limit/rate-limit-storage.module';
import { RateLimitStorage } from './rate-limit/rate-limit.storage';
import { ServersController } from './servers/servers.controller';
import { ConsoleAssetsController } from './console/console-assets.controller';
import { ConsoleRolloutsController } from './console/console-rollouts.controller';
import { ConsoleTenantActionsController } from './console/console-tenant-actions.controller';
import { ConsoleTenantsController } from './console/console-tenants.controller';
import { OperatorLoginController } from './console/operator-login.controller';
import { PageFrames } from './console/http/page-frames';
import { FleetQueuesOnBoard } from './queues-board/fleet-queues-on-board';
import { QueuesBoardModule } from './queues-board/queues-board.module';
import { OperatorSessions } from './sessions/operator-sessions';

/**
 * What the api process runs: the registry, the producer side of the queue and the use cases
 * behind its routes. It never holds the provisioner's connection: rotating a tenant's password
 * logs in as the tenant's own role.
 */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        TenancyConfigModule.forRoot(config),
        LoggingModule.forService('api'),
        MasterDatabaseModule,
        TenantEventsModule,
        ProvisioningQueueModule.forProducers(),
        LifecycleQueueModule,
        FleetQueueModule,
        QueuesBoardModule,
        TerminusModule,
        MetricsModule,
        ThrottlerModule.forRootAsync({
          imports: [RateLimitStorageModule],
          inject: [APP_CONFIG, RateLimitStorage],
          useFactory: ({ api: { createRateLimit } }: Pick<AppConfig, 'api'>, storage: RateLimitStorage) => ({
            throttlers: [{ name: 'create', ttl: 60_000, limit: createRateLimit }],
            skipIf: () => createRateLimit === 0,
            storage,
          }),
        }),
      ],
      controllers: [
        OrgController,
        ApiKeysController,
        LifecycleController,
        FleetController,
        ServersController,
        ApiHealthController,
        OperatorLoginController,
        ConsoleTenantsController,
        ConsoleTenantActionsController,
        ConsoleRolloutsController,
        ConsoleAssetsController,
        tenantEventsControllerFor(tenantStatusChannel(config.redis.prefix)),
        metricsControllerFor(AdminApiKeyGuard),
      ],
      providers: [
        TenantRepository,
        TenantSecretCipher,
        ...DATABASE_SERVER_PROVIDERS,
        TenantPlacement,
        TenantRoleLogin,
        TenantEnqueuer,
        RegisterTenant,
        RetryTenant,
        RotateTenantCredentials,
        ApiKeyRepository,
        IssueApiKey,
        ListApiKeys,
        RevokeApiKey,
        ...LIFECYCLE_REQUEST_PROVIDERS,
        ...ROLLOUT_CONTROL_PROVIDERS,
        DependencyHealthIndicator,
        TenantReads,
        TenantStatusFeed,
        EventStreamLimiter,
        AuthFailureLimiter,
        TenantStatusMetrics,
        RolloutProgressMetrics,
        ...QueueJobMetrics.forQueues([PROVISIONING_QUEUE, TENANT_LIFECYCLE_QUEUE], {
          inject: [FleetQueue, DatabaseServerRepository],
          useFactory: (fleet: FleetQueue, servers: DatabaseServerRepository) => async () =>
            (await servers.namesIn(SERVER_STATES)).map((server) => fleet.of(server)),
        }),
        FleetQueuesOnBoard,
        AdminKey,
        AdminApiKeyGuard,
        OperatorSessions,
        PageFrames,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
