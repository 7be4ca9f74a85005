// The HTTP baselines: Nest on the same Fastify adapter as the apps, with a route returning a constant
// and, when BARE_USERS_DATABASE_URL names a tenant database, tenant-api's GET /users/:id query on one fixed pg pool.
import 'reflect-metadata';
import { Controller, Get, Inject, Module, NotFoundException, OnApplicationShutdown, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';

const USERS_POOL = 'USERS_POOL';
/** TENANT_POOL_MAX's default: the pool one tenant gets in tenant-api. */
const POOL_MAX = 5;
/** The statement Knex builds for tenant-api's `users().select(COLUMNS).where({ id }).first()`. */
const FIND_USER = 'select "id", "name", "email" from "users" where "id" = $1 limit $2';

@Controller()
class BareController implements OnApplicationShutdown {
  constructor(@Inject(USERS_POOL) private readonly pool: Pool | undefined) {}

  @Get('bare')
  bare() {
    return { status: 'ok' };
  }

  @Get('users/:id')
  async user(@Param('id') id: string) {
    if (!this.pool) throw new NotFoundException('BARE_USERS_DATABASE_URL is not set');
    const { rows } = await this.pool.query<{ id: number; name: string; email: string }>(FIND_USER, [Number(id), 1]);
    if (!rows[0]) throw new NotFoundException(`no user ${id}`);
    return rows[0];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end();
  }
}

const usersUrl = process.env.BARE_USERS_DATABASE_URL;

@Module({
  controllers: [BareController],
  providers: [{ provide: USERS_POOL, useValue: usersUrl ? new Pool({ connectionString: usersUrl, max: POOL_MAX }) : undefined }],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
