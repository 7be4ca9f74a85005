import { configFromEnvironment, startupFailureMessage } from '@app/tenancy';
import { createTenantApiApp } from './tenant-api.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createTenantApiApp(config);
  await app.listen(config.tenantApi.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
