import { AppConfig, createFastifyApp } from '@app/tenancy';
import { tenantPathRewrite } from '@app/tenant-routing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TenantApiModule } from './tenant-api.module';

/** A SaaS product's own api: every route but health runs on the calling tenant's database. */
export function createTenantApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  // `/t/<tenant>/users` is routed as `/users`; the tenant guard reads the prefix from the original URL.
  return createFastifyApp(TenantApiModule.forRoot(config), config, {
    rewriteUrl: tenantPathRewrite(config.tenantRouting.resolvers),
  });
}
