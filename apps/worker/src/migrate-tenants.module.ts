import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ProvisioningModule, TenancyModule } from '@app/tenancy';

/** The worker's libraries without its processor: for one-off operations like `tenants:migrate`. */
@Module({})
export class MigrateTenantsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MigrateTenantsModule,
      imports: [TenancyModule.forRoot({ config, service: 'worker' }), ProvisioningModule],
    };
  }
}
