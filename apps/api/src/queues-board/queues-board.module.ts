import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { PROVISIONING_QUEUE, TENANT_LIFECYCLE_QUEUE } from '@app/tenancy';

export const QUEUES_BOARD_ROUTE = '/admin/queues';

/**
 * Bull Board over every queue, on the api's own BullMQ connection and prefix (the queues are
 * the producers ApiModule registers; each server's fleet queue is added by FleetQueuesOnBoard).
 * Read-only: a job retried or removed from the board would bypass the master row that is the
 * truth about a tenant; operators act through the console.
 * Who may see it is decided by guardQueuesBoard.
 */
@Module({
  imports: [
    BullBoardModule.forRoot({
      route: QUEUES_BOARD_ROUTE,
      adapter: FastifyAdapter,
      boardOptions: { uiConfig: { boardTitle: 'Tenant queues' } },
    }),
    BullBoardModule.forFeature(
      ...[PROVISIONING_QUEUE, TENANT_LIFECYCLE_QUEUE].map((name) => ({
        name,
        adapter: BullMQAdapter,
        options: { readOnlyMode: true },
      })),
    ),
  ],
})
export class QueuesBoardModule {}
