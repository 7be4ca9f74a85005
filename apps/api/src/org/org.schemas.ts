import { TENANT_STATUSES } from '@app/tenancy';
import { z } from 'zod';

export const createOrgBody = z.strictObject(
  {
    name: z.string({ error: 'name is required and must be a string' }),
    /** The database server to place it on; by default the active one with the most room. */
    server: z
      .string({ error: 'server must be the name of a database server (see GET /servers)' })
      .min(1, { error: 'server must not be empty: name a database server, or leave it out' })
      .max(100, { error: 'server must be at most 100 characters' })
      .optional(),
  },
  {
    error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"name": "AcmeCorp"}' : undefined),
  },
);
export type CreateOrgBody = z.infer<typeof createOrgBody>;

export const listOrgsQuery = z.strictObject({
  status: z.enum(TENANT_STATUSES, { error: `status must be one of ${TENANT_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce
    .number({ error: 'limit must be a whole number from 1 to 100' })
    .int({ error: 'limit must be a whole number from 1 to 100' })
    .min(1, { error: 'limit must be at least 1' })
    .max(100, { error: 'limit must be at most 100' })
    .default(20),
  after: z.uuid({ error: 'after must be a tenant id (the nextCursor of the previous page)' }).optional(),
});
export type ListOrgsQuery = z.infer<typeof listOrgsQuery>;

export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'Idempotency-Key must be 1 to 255 visible ASCII characters' })
  .optional();
