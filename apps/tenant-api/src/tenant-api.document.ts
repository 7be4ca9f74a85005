import type { DocumentBuilder } from '@nestjs/swagger';

/** What tenant-api's OpenAPI document says it is. */
export function describeTenantApi(builder: DocumentBuilder): DocumentBuilder {
  return builder
    .setTitle('Tenant api (example product api)')
    .setDescription(
      "Every route but /health runs on the calling tenant's own database. Send a tenant's API key or a JWT as " +
        '`Authorization: Bearer …`, and name the tenant with X-Tenant-ID, a /t/<tenant> path prefix, the subdomain or the JWT, ' +
        'as TENANT_RESOLVERS allows.',
    )
    .setVersion('1');
}
