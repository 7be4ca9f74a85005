import { applyDecorators, HttpStatus, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiRefusals } from '@app/tenancy';
import { AdminApiKeyGuard } from './admin-api-key.guard';

/** The security scheme of the admin key in the OpenAPI document. */
export const ADMIN_KEY_SCHEME = 'admin-key';

/**
 * A controller of the admin api: its routes need the admin key, and say so in the OpenAPI
 * document. Guard and description come together, so no route is guarded but documented as open.
 */
export function AdminRoutes(): ClassDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    ApiBearerAuth(ADMIN_KEY_SCHEME),
    ApiRefusals({
      [HttpStatus.UNAUTHORIZED]: 'No admin key, or not the right one (Authorization: Bearer <ADMIN_API_KEY>)',
      [HttpStatus.TOO_MANY_REQUESTS]: 'Too many failed authentications from this client (AUTH_FAILURE_LIMIT); see Retry-After',
      [HttpStatus.SERVICE_UNAVAILABLE]: 'The master database is out of reach; try again shortly',
    }),
  );
}
