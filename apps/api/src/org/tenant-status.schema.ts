import { openApiSchema } from '@app/tenancy';
import { tenantStatusAnswer } from './tenant.views';

/**
 * The JSON schema of `GET /org/:id/status`: Fastify serialises the answer with it (fast-json-
 * stringify), which is quicker than JSON.stringify on the most polled route, and it pins the
 * contract: a field not listed here is never sent. It is the OpenAPI document's schema too.
 */
export const TENANT_STATUS_RESPONSE = { 200: openApiSchema(tenantStatusAnswer, 'output') };
