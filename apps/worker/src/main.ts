import { configFromEnvironment, startupFailureMessage } from '@app/tenancy';
import { createWorkerApp } from './worker.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createWorkerApp(config);
  await app.listen(config.worker.healthPort, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
