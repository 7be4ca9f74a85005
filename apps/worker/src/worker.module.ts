import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ProvisioningModule, TenancyModule } from '@app/tenancy';
import { WorkerHealthController } from './health/worker-health.controller';
import { ProvisionTenantProcessor } from './provisioning/provision-tenant.processor';
import { UnsettledTenantsReconciler } from './reconciler/unsettled-tenants.reconciler';
import { WorkerStartupChecks } from './startup/worker-startup-checks';
import { WarmPoolRefiller } from './warm-pool/warm-pool.refiller';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [TenancyModule.forRoot({ config, service: 'worker' }), ProvisioningModule],
      controllers: [WorkerHealthController],
      providers: [ProvisionTenantProcessor, UnsettledTenantsReconciler, WarmPoolRefiller, WorkerStartupChecks],
    };
  }
}
