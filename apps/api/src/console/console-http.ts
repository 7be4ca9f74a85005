import fastifyCookie from '@fastify/cookie';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** What the console needs of Fastify before Nest registers its routes (Nest itself parses form bodies). */
export async function prepareConsoleHttp(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCookie);
}
