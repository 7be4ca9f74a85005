import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { configFromEnvironment, SeedTenants, startupFailureMessage, TenantError } from '@app/tenancy';
import { Logger } from 'nestjs-pino';
import { SeedTenantsModule } from './seed-tenants.module';

/** `npm run tenants:seed [-- --tenant <id|slug>]`: applies new tenant seeds to one or every ready tenant. */
async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { tenant: { type: 'string' } } });
  const config = configFromEnvironment();
  const context = await NestFactory.createApplicationContext(SeedTenantsModule.forRoot(config), { bufferLogs: true });
  context.useLogger(context.get(Logger));
  const report = await context.get(SeedTenants).execute({ tenant: values.tenant });
  await context.close();
  if (!config.tenants.seedsEnabled) process.stderr.write('TENANT_SEEDS=off: no seed was run\n');
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.failed.length || report.busy.length ? 1 : 0;
}

main().catch((error: unknown) => {
  // An unknown tenant or option is the caller's mistake, which the message alone explains.
  const mistake = error instanceof TenantError || String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
  process.stderr.write(mistake ? `${(error as Error).message}\n` : startupFailureMessage(error));
  process.exit(1);
});
