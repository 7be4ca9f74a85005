import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, DocumentBuilder } from '@nestjs/swagger';
import { ApiRefusals, AppConfig } from '@app/tenancy';

const TENANT_API_KEY_SCHEME = 'tenant-api-key';
const TENANT_JWT_SCHEME = 'tenant-jwt';

/**
 * The OpenAPI description of what TenantGuard asks of a request and how it refuses one, for a
 * controller whose routes are tenant routes (not @NoTenant()). Either credential will do.
 */
export function ApiTenantRoutes(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(TENANT_API_KEY_SCHEME),
    ApiBearerAuth(TENANT_JWT_SCHEME),
    ApiHeader({
      name: 'X-Tenant-ID',
      required: false,
      description:
        'The tenant, by id or slug, when TENANT_RESOLVERS has `header`; else /t/<tenant>/…, the subdomain or the JWT names it',
    }),
    ApiRefusals({
      [HttpStatus.BAD_REQUEST]: 'The request names no tenant, or names it in a malformed way',
      [HttpStatus.UNAUTHORIZED]: 'No bearer token, or a key or JWT that does not verify (unknown, revoked, expired)',
      [HttpStatus.FORBIDDEN]:
        'The key or JWT is for another tenant, two sources name different tenants, or the tenant is suspended or deleted',
      [HttpStatus.NOT_FOUND]: 'No tenant by the id or slug given',
      [HttpStatus.SERVICE_UNAVAILABLE]:
        'The tenant is being provisioned or moved (see Retry-After), could not be provisioned, or the registry is out of reach',
    }),
  );
}

/**
 * A tenant app's security schemes (the API key's added with addSecurity: addBearerAuth would call
 * it a JWT), and the ways of naming the tenant that TENANT_RESOLVERS turns on, as servers.
 */
export function describeTenantRouting(
  builder: DocumentBuilder,
  { resolvers, baseDomain }: AppConfig['tenantRouting'],
): DocumentBuilder {
  builder
    .addSecurity(TENANT_API_KEY_SCHEME, {
      type: 'http',
      scheme: 'bearer',
      description: "A tenant's API key (tk_…), issued by the admin api",
    })
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT whose tenant claim names the tenant' },
      TENANT_JWT_SCHEME,
    )
    .addServer('/', 'The tenant named by X-Tenant-ID or by the credentials');
  if (resolvers.includes('path')) {
    builder.addServer('/t/{tenant}', 'The tenant named in the path', { tenant: { default: 'acme', description: 'Its id or slug' } });
  }
  if (resolvers.includes('subdomain') && baseDomain) {
    builder.addServer(`https://{tenant}.${baseDomain}`, 'The tenant named by the host (a `-` stands for a slug’s `_`)', {
      tenant: { default: 'acme', description: 'Its slug' },
    });
  }
  return builder;
}
