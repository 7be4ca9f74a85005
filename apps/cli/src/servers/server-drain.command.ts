import { databaseServerView, DrainDatabaseServer, DrainReport, ListDatabaseServers, Tenant } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import type { CommandOutcome } from '../command/cli-command';
import { WaitingCommand, WaitOptions } from '../command/waiting-command';
import { OperationWatch } from '../lifecycle/operation-watch';
import { Terminal } from '../output/terminal';
import { textTable } from '../output/text-table';
import { serverText } from './server.view';

interface MovedTenant {
  tenantId: string;
  slug: string;
  server: string | null;
  status: string;
  operationError: string | null;
}

@SubCommand({
  name: 'drain',
  arguments: '<name>',
  description: 'place no new tenants on it and move every ready tenant off it, each to the active server with the most room',
})
export class ServerDrainCommand extends WaitingCommand {
  constructor(
    terminal: Terminal,
    private readonly drain: DrainDatabaseServer,
    private readonly listServers: ListDatabaseServers,
    private readonly watch: OperationWatch,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[], options: WaitOptions): Promise<CommandOutcome> {
    await this.queues.assertReachable();
    const report = await this.drain.execute(name!);
    const moved = options.wait ? await this.waitForMoves(report, this.timeoutMs(options)) : undefined;
    const server = databaseServerView(await this.listServers.show(name!));
    const data = { ...server, moving: report.moving, staying: report.staying, ...(moved && { moved }) };
    const ok = !moved || moved.every((tenant) => tenant.server !== name && !tenant.operationError);
    return { data, text: [serverText(server), movesText(report, moved)].filter(Boolean).join('\n\n'), ok };
  }

  private async waitForMoves(report: DrainReport, timeoutMs: number | undefined): Promise<MovedTenant[]> {
    const done: Tenant[] = [];
    for (const move of report.moving) done.push(await this.watch.finished(move.tenantId, timeoutMs));
    return done.map(({ id, slug, server, status, operationError }) => ({ tenantId: id, slug, server, status, operationError }));
  }
}

function movesText(report: DrainReport, moved: MovedTenant[] | undefined): string {
  const rows = moved
    ? moved.map((tenant) => [tenant.slug, tenant.server ?? '-', tenant.operationError ?? 'moved'])
    : report.moving.map((move) => [move.slug, move.to, 'moving']);
  const staying = report.staying.map((stay) => [stay.slug, '-', `stays: ${stay.reason}`]);
  return rows.length + staying.length ? textTable([['TENANT', 'SERVER', 'OUTCOME'], ...rows, ...staying]) : '';
}
