import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './app-config';
import { APP_CONFIG } from './config.tokens';

/** Makes the one validated configuration injectable everywhere as APP_CONFIG. */
@Global()
@Module({})
export class TenancyConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: TenancyConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
