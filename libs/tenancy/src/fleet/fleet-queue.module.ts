import { Module } from '@nestjs/common';
import { FleetQueue } from './fleet-queue.service';

/**
 * The fleet queues. They share the connection BullModule.forRoot makes in the same app (one of
 * ProvisioningQueueModule.forProducers() or .forWorkers()), so producers fail fast and workers
 * wait for Redis here too.
 */
@Module({
  providers: [FleetQueue],
  exports: [FleetQueue],
})
export class FleetQueueModule {}
