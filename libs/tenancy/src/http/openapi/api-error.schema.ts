import { z } from 'zod';

/** The name the error body has among the document's components, for `$ref`s to it. */
export const API_ERROR_SCHEMA_NAME = 'ApiError';

/**
 * What every refusal carries: Nest's error body, with the details of the error beside it (a
 * `tenantId`, a `statusUrl`, an `existingTenantId`…). A validation 400 lists every problem found.
 */
export const apiErrorBody = z.looseObject({
  statusCode: z.number().int().meta({ description: 'The HTTP status, repeated' }),
  error: z.string().optional().meta({ description: "The status's name, e.g. Conflict" }),
  message: z.union([z.string(), z.array(z.string())]).meta({ description: 'What was refused and why; a list for a validation 400' }),
});
