import { NestFactory } from '@nestjs/core';
import { configFromEnvironment, MigrateTenants, startupFailureMessage } from '@app/tenancy';
import { Logger } from 'nestjs-pino';
import { MigrateTenantsModule } from './migrate-tenants.module';

/** `npm run tenants:migrate`: applies new tenant migrations to every ready tenant. */
async function main(): Promise<void> {
  const context = await NestFactory.createApplicationContext(MigrateTenantsModule.forRoot(configFromEnvironment()), {
    bufferLogs: true,
  });
  context.useLogger(context.get(Logger));
  const report = await context.get(MigrateTenants).execute();
  await context.close();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.failed.length || report.busy.length ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
