import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BullBoardInstance, InjectBullBoard } from '@bull-board/nestjs';
import { Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DatabaseServerRepository, FleetQueue, SERVER_STATES } from '@app/tenancy';
import { QUEUES_BOARD_ROUTE } from './queues-board.module';

/** Puts each registered server's fleet queue on Bull Board, read-only like the others, as servers are added. */
@Injectable()
export class FleetQueuesOnBoard {
  private readonly shown = new Set<string>();

  constructor(
    @InjectBullBoard() private readonly board: BullBoardInstance,
    private readonly fleet: FleetQueue,
    private readonly servers: DatabaseServerRepository,
  ) {}

  async showEveryServer(): Promise<void> {
    for (const server of await this.servers.namesIn(SERVER_STATES)) {
      if (this.shown.has(server)) continue;
      this.board.addQueue(new BullMQAdapter(this.fleet.of(server), { readOnlyMode: true }));
      this.shown.add(server);
    }
  }
}

/** Before the board lists its queues: registered after guardQueuesBoard, so only for a request it let in. */
export function showFleetQueuesOnBoard(app: NestFastifyApplication): void {
  const fleetQueues = app.get(FleetQueuesOnBoard);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request) => {
      if (request.routeOptions.url?.startsWith(`${QUEUES_BOARD_ROUTE}/api/queues`)) await fleetQueues.showEveryServer();
    });
}
