import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './config.tokens';

/**
 * Makes the one validated configuration injectable everywhere as APP_CONFIG. The only global
 * module: the configuration is a value every module reads, passed in (not read from the
 * environment) so one process can boot several apps with different settings, as the tests do.
 */
@Global()
@Module({})
export class TenancyConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: TenancyConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
