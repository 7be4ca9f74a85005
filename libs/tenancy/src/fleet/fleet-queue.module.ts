import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { FLEET_QUEUE } from './fleet.constants';
import { FleetQueue } from './fleet-queue.service';

/**
 * The fleet queue. It shares the connection BullModule.forRoot makes in the same app (one of
 * ProvisioningQueueModule.forProducers() or .forWorkers()), so producers fail fast and workers
 * wait for Redis here too.
 */
@Module({
  imports: [BullModule.registerQueue({ name: FLEET_QUEUE })],
  providers: [FleetQueue],
  exports: [FleetQueue, BullModule],
})
export class FleetQueueModule {}
