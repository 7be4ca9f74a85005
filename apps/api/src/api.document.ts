import type { DocumentBuilder } from '@nestjs/swagger';
import { ADMIN_KEY_SCHEME } from './http/admin-routes.decorator';

/**
 * The admin api's OpenAPI document: what it is and how a caller authenticates. The scheme is
 * added with addSecurity: addBearerAuth would call the admin key a JWT.
 */
export function describeAdminApi(builder: DocumentBuilder): DocumentBuilder {
  return builder
    .setTitle('Tenant provisioning: admin api')
    .setDescription(
      'Tenants (one PostgreSQL database each), their API keys, lifecycle operations, fleet rollouts and database servers. ' +
        'Every route but /health needs `Authorization: Bearer <ADMIN_API_KEY>` when the api runs with an admin key.',
    )
    .setVersion('1')
    .addSecurity(ADMIN_KEY_SCHEME, { type: 'http', scheme: 'bearer', description: 'ADMIN_API_KEY' });
}
