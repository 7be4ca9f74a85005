import { configFromEnvironment, startTracing, startupFailureMessage, stopTracingOnClose } from '@app/tenancy';
import { createTenantApiApp } from './tenant-api.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const tracing = await startTracing(config, 'tenant-provisioning-tenant-api');
  const app = await createTenantApiApp(config);
  stopTracingOnClose(app, tracing);
  await app.listen(config.tenantApi.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
