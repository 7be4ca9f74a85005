import { configFromEnvironment, startupFailureMessage } from '@app/tenancy';
import { createApiApp } from './api.app';

async function bootstrap(): Promise<void> {
  const config = configFromEnvironment();
  const app = await createApiApp(config);
  await app.listen(config.api.port, '0.0.0.0');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(startupFailureMessage(error));
  process.exit(1);
});
