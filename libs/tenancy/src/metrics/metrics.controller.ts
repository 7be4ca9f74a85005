import {
  applyDecorators,
  CanActivate,
  Controller,
  Get,
  Header,
  Inject,
  Logger,
  OnApplicationBootstrap,
  Type,
  UseGuards,
} from '@nestjs/common';
import { Registry } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

/**
 * GET /metrics: the app's registry as Prometheus text. `guard` lets in holders of the admin key
 * (each app has its own way of checking it); `decorators` add what else the app's routes need
 * (tenant-api: @NoTenant()).
 */
export function metricsControllerFor(guard: Type<CanActivate>, ...decorators: ClassDecorator[]): Type {
  @Controller('metrics')
  @UseGuards(guard)
  @applyDecorators(...decorators)
  class MetricsController implements OnApplicationBootstrap {
    constructor(
      private readonly registry: Registry,
      @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'api'>,
    ) {}

    onApplicationBootstrap(): void {
      if (!this.config.api.adminApiKey) {
        new Logger(MetricsController.name).warn('ADMIN_API_KEY is not set: /metrics is open to anyone who can reach this port');
      }
    }

    @Get()
    @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
    metrics(): Promise<string> {
      return this.registry.metrics();
    }
  }
  return MetricsController;
}
