import { configFromEnvironment } from '@app/tenancy';
import { createWorkerApp } from './worker.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createWorkerApp(config);
  await app.listen(config.workerHealthPort, '0.0.0.0');
}

void bootstrap();
