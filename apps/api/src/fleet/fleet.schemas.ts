import { ROLLOUT_TENANT_STATES, TENANT_STATUSES } from '@app/tenancy';
import { z } from 'zod';

const MAX_TENANTS_NAMED = 10_000;

const tenantReferences = z
  .array(
    z
      .string({ error: 'each tenant must be an id or a slug (a string)' })
      .min(1, { error: 'a tenant id or slug cannot be empty' })
      .max(100),
    {
      error: 'tenants must be a list of tenant ids or slugs',
    },
  )
  .min(1, { error: 'tenants, when given, must name at least one tenant' })
  .max(MAX_TENANTS_NAMED, { error: `tenants may name at most ${MAX_TENANTS_NAMED}` });

const wholeNumber = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a whole number from ${min} to ${max}` })
    .int({ error: `${what} must be a whole number from ${min} to ${max}` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

/** POST /fleet/migrations: no body at all means every ready tenant, all at once, stopping at the first failure. */
export const startMigrationsBody = z
  .strictObject(
    {
      canary: wholeNumber('canary', 1, 1_000_000).optional(),
      continueOnError: z.boolean({ error: 'continueOnError must be true or false' }).optional(),
      tenants: tenantReferences.optional(),
      statuses: z
        .array(z.enum(TENANT_STATUSES, { error: `each status must be one of ${TENANT_STATUSES.join(', ')}` }), {
          error: 'statuses must be a list of tenant statuses',
        })
        .min(1, { error: 'statuses, when given, must name at least one status' })
        .optional(),
      dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"canary": 5}' : undefined) },
  )
  .default({});
export type StartMigrationsBody = z.infer<typeof startMigrationsBody>;

/** POST /fleet/rollbacks: never every tenant by default, so `tenants` is required. */
export const startRollbackBody = z.strictObject(
  {
    tenants: tenantReferences,
    continueOnError: z.boolean({ error: 'continueOnError must be true or false' }).optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"tenants": ["acme"]}' : undefined) },
);
export type StartRollbackBody = z.infer<typeof startRollbackBody>;

export const rolloutReportQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a whole number from 1 to 1000' })
    .int({ error: 'limit must be a whole number from 1 to 1000' })
    .min(1, { error: 'limit must be at least 1' })
    .max(1000, { error: 'limit must be at most 1000' })
    .default(100),
  after: z.coerce
    .number({ error: 'after must be a position (the nextCursor of the previous page)' })
    .int({ error: 'after must be a position (the nextCursor of the previous page)' })
    .min(0, { error: 'after must be a position (the nextCursor of the previous page)' })
    .optional(),
  state: z.enum(ROLLOUT_TENANT_STATES, { error: `state must be one of ${ROLLOUT_TENANT_STATES.join(', ')}` }).optional(),
});
export type RolloutReportQuery = z.infer<typeof rolloutReportQuery>;
