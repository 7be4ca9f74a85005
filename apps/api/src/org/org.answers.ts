import { TENANT_OPERATIONS, TENANT_STATUSES } from '@app/tenancy';
import { z } from 'zod';

const statusUrl = z.string().meta({ description: 'Where to poll the tenant: GET /org/:id/status' });

/** POST /org/create and /org/:id/retry: the tenant is recorded and its provisioning queued. */
export const queuedTenantAnswer = z.object({
  id: z.uuid(),
  name: z.string(),
  dbName: z.string(),
  server: z.string().nullable(),
  status: z.enum(TENANT_STATUSES),
  jobId: z.string(),
  statusUrl,
});

/** A lifecycle request (suspend, resume, delete, restore…): recorded and queued; `operation` stays set until it is done. */
export const operationAnswer = z.object({
  id: z.uuid(),
  name: z.string(),
  dbName: z.string(),
  status: z.enum(TENANT_STATUSES),
  operation: z.enum(TENANT_OPERATIONS).nullable(),
  jobId: z.string(),
  statusUrl,
});

/** POST /org/:id/credentials/rotate: the new password, shown this once. */
export const rotatedCredentialsAnswer = z.object({
  id: z.uuid(),
  dbName: z.string(),
  role: z.string(),
  password: z.string(),
  rotatedAt: z.date(),
});

/** POST /org/:id/api-keys: the key itself is shown this once; master keeps only its hash. */
export const issuedApiKeyAnswer = z.object({ id: z.uuid(), key: z.string(), prefix: z.string(), createdAt: z.date() });

export const apiKeyListAnswer = z.object({
  items: z.array(z.object({ id: z.uuid(), prefix: z.string(), createdAt: z.date(), lastUsedAt: z.date().nullable() })),
});
