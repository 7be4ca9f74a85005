import type { AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, Param, ParseIntPipe, Post, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createFastifyApp, LoggingModule, TenancyConfigModule } from '@app/tenancy';
import { NoTenant, TenantDb, tenantPathRewrite, TenantPools, TenantRoutingModule } from '@app/tenant-routing';

/** Routes that show what the routing library gives a request: who it runs as, and where. */
@Controller()
class ProbeController {
  constructor(
    private readonly db: TenantDb,
    private readonly pools: TenantPools,
  ) {}

  @Get('whoami')
  async whoami() {
    const { rows } = await this.db
      .knex()
      .raw<{ rows: { role: string; database: string }[] }>('SELECT current_user AS role, current_database() AS database');
    return { tenant: this.db.tenant(), ...rows[0] };
  }

  @Post('marks')
  async mark(@Body() body: { mark: string }) {
    await this.db
      .knex()('users')
      .insert({ name: body.mark, email: `${body.mark}@probe.test` });
    return { tenant: this.db.tenant().id };
  }

  @Get('marks')
  async marks() {
    const rows = await this.db.knex()('users').select<{ name: string }[]>('name').orderBy('id');
    return { tenant: this.db.tenant().id, marks: rows.map((row) => row.name) };
  }

  /** A long query, then a second one on the same pool: both must survive the pool's eviction. */
  @Get('sleep/:ms')
  async sleep(@Param('ms', ParseIntPipe) ms: number) {
    await this.db.knex().raw('SELECT pg_sleep(?)', [ms / 1000]);
    const { rows } = await this.db.knex().raw<{ rows: { role: string }[] }>('SELECT current_user AS role');
    return { tenant: this.db.tenant().id, role: rows[0]!.role };
  }

  @Get('outside')
  @NoTenant()
  outside() {
    try {
      this.db.knex();
      return { threw: false };
    } catch (error) {
      return { threw: true, error: (error as Error).name };
    }
  }

  @Get('pools')
  @NoTenant()
  stats() {
    return this.pools.stats();
  }
}

@Module({})
class ProbeModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProbeModule,
      imports: [TenancyConfigModule.forRoot(config), LoggingModule.forService('tenant-api'), TenantRoutingModule.forRoot()],
      controllers: [ProbeController],
    };
  }
}

/** A Nest app of a test's own that imports the tenant routing library as any product would. */
export async function startTenantProbe(config: AppConfig): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createFastifyApp(ProbeModule.forRoot(config), config, {
    rewriteUrl: tenantPathRewrite(config.tenantRouting.resolvers),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
