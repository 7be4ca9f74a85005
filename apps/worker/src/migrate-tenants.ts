import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import {
  configFromEnvironment,
  FleetQueue,
  PlanMigrationRollout,
  RolloutOptions,
  RolloutReport,
  ShowRollout,
  StartMigrationRollout,
  startupFailureMessage,
  TENANT_STATUSES,
  TenantError,
  TenantStatus,
} from '@app/tenancy';
import { Logger } from 'nestjs-pino';
import { MigrateTenantsModule } from './migrate-tenants.module';

const POLL_MS = 500;
const NO_WORKER_HINT_EVERY_MS = 10_000;

/**
 * `npm run tenants:migrate [-- --canary N --continue-on-error --tenant <id|slug>… --status <status>… --dry-run]`:
 * starts a rollout of the tenant migrations (ready tenants unless told otherwise), waits for the
 * workers to finish it while printing its counts, then prints the report. Exits non-zero unless
 * it completed with no tenant failed. A dry run prints what would run where and records nothing.
 */
async function main(): Promise<void> {
  const options = optionsFrom(process.argv.slice(2));
  const context = await NestFactory.createApplicationContext(MigrateTenantsModule.forRoot(configFromEnvironment()), {
    bufferLogs: true,
  });
  context.useLogger(context.get(Logger));
  try {
    if (options.dryRun) {
      const plan = await context.get(PlanMigrationRollout).execute(options.rollout);
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      process.exitCode = plan.totals.unknown ? 1 : 0;
      return;
    }
    const started = await context.get(StartMigrationRollout).execute(options.rollout);
    process.stderr.write(
      `rollout ${started.id}: ${started.totals.total} tenant(s); follow it with GET /fleet/migrations/${started.id}\n`,
    );
    const report = await follow(context.get(ShowRollout), context.get(FleetQueue), started.id);
    const failed = await context.get(ShowRollout).execute(started.id, { state: 'failed', limit: 100 });
    const { id, state, error, totals } = report;
    const failures = failed.tenants.items.map(({ tenantId, slug, error: why }) => ({ tenantId, slug, error: why }));
    process.stdout.write(`${JSON.stringify({ id, state, error, totals, failed: failures }, null, 2)}\n`);
    process.exitCode = state === 'completed' && totals.failed === 0 ? 0 : 1;
  } finally {
    await context.close();
  }
}

/** Polls the rollout until it is no longer running, printing its counts whenever they change. */
async function follow(show: ShowRollout, queue: FleetQueue, rolloutId: string): Promise<RolloutReport> {
  let last = '';
  let hintAt = Date.now() + NO_WORKER_HINT_EVERY_MS;
  for (;;) {
    const report = await show.execute(rolloutId, { limit: 1 });
    const { total, pending, queued, running, migrated, skipped, failed, cancelled } = report.totals;
    const line = `${report.state}: ${migrated + skipped + failed + cancelled}/${total} done (migrated ${migrated}, skipped ${skipped}, failed ${failed}, cancelled ${cancelled}; running ${running}, queued ${queued}, pending ${pending})`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (report.state !== 'running') return report;
    if (Date.now() >= hintAt) {
      hintAt = Date.now() + NO_WORKER_HINT_EVERY_MS;
      if (!(await queue.hasWorkers())) {
        process.stderr.write('no worker is taking fleet jobs: start one (npm run start:worker); the rollout waits for it\n');
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function optionsFrom(args: string[]): { rollout: RolloutOptions; dryRun: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      canary: { type: 'string' },
      'continue-on-error': { type: 'boolean' },
      tenant: { type: 'string', multiple: true },
      status: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
    },
  });
  const unknown = (values.status ?? []).filter((status) => !(TENANT_STATUSES as readonly string[]).includes(status));
  if (unknown.length)
    throw TenantError.rolloutRejected(`--status must be one of ${TENANT_STATUSES.join(', ')}, not ${unknown.join(', ')}`);
  return {
    rollout: {
      canary: values.canary === undefined ? undefined : Number(values.canary),
      continueOnError: values['continue-on-error'],
      tenants: values.tenant,
      statuses: values.status as TenantStatus[] | undefined,
    },
    dryRun: values['dry-run'] ?? false,
  };
}

main().catch((error: unknown) => {
  // A bad option or an unknown tenant is the caller's mistake, which the message alone explains.
  const mistake = error instanceof TenantError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  process.stderr.write(mistake ? `${(error as Error).message}\n` : startupFailureMessage(error));
  process.exit(1);
});
