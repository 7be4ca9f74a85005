import { AppConfig, createFastifyApp, serveApiDocs } from '@app/tenancy';
import { describeTenantRouting, tenantPathRewrite } from '@app/tenant-routing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeTenantApi } from './tenant-api.document';
import { TenantApiModule } from './tenant-api.module';

/** A SaaS product's own api: every route but health runs on the calling tenant's database. */
export async function createTenantApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  // `/t/<tenant>/users` is routed as `/users`; the tenant guard reads the prefix from the original URL.
  const app = await createFastifyApp(TenantApiModule.forRoot(config), config, {
    rewriteUrl: tenantPathRewrite(config.tenantRouting.resolvers),
  });
  serveApiDocs(app, (builder) => describeTenantRouting(describeTenantApi(builder), config.tenantRouting));
  return app;
}
