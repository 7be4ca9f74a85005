import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TENANT_LIFECYCLE_QUEUE } from './lifecycle.constants';
import { TenantLifecycleQueue } from './tenant-lifecycle.queue';

/**
 * The lifecycle queue. It shares the BullMQ connection settings of ProvisioningQueueModule
 * (`forProducers()` in the api and the CLI, `forWorkers()` in the worker), which the app imports too.
 */
@Module({
  imports: [BullModule.registerQueue({ name: TENANT_LIFECYCLE_QUEUE })],
  providers: [TenantLifecycleQueue],
  exports: [TenantLifecycleQueue, BullModule],
})
export class LifecycleQueueModule {}
