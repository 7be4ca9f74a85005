import { configFromEnvironment } from '@app/tenancy';
import { createApiApp } from './api.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createApiApp(config);
  await app.listen(config.apiPort, '0.0.0.0');
}

void bootstrap();
