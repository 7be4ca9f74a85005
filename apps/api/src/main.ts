import { configFromEnvironment, startTracing, startupFailureMessage, stopTracingOnClose } from '@app/tenancy';
import { createApiApp } from './api.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const tracing = await startTracing(config, 'tenant-provisioning-api');
  const app = await createApiApp(config);
  stopTracingOnClose(app, tracing);
  await app.listen(config.api.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
