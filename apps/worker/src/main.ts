import { configFromEnvironment, startTracing, startupFailureMessage, stopTracingOnClose } from '@app/tenancy';
import { createWorkerApp } from './worker.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const tracing = await startTracing(config, 'tenant-provisioning-worker');
  const app = await createWorkerApp(config);
  stopTracingOnClose(app, tracing);
  await app.listen(config.worker.healthPort, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
