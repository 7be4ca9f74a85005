import { TENANT_OPERATIONS, TENANT_STATUSES, type Tenant } from '@app/tenancy';
import { z } from 'zod';
import { statusUrlOf } from '../routes';

/** A tenant's progress; the views' return types are these schemas, which the OpenAPI document shows. */
export const tenantStatusAnswer = z.object({
  id: z.uuid(),
  name: z.string(),
  dbName: z.string(),
  server: z.string().nullable().meta({ description: 'The database server it is placed on; null while every server is full' }),
  status: z.enum(TENANT_STATUSES),
  step: z.string().nullable().meta({ description: 'The last provisioning step completed' }),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  readyAt: z.date().nullable(),
  operation: z.enum(TENANT_OPERATIONS).nullable().meta({ description: 'A lifecycle operation under way' }),
  operationError: z.string().nullable().meta({ description: "The operation's last failed attempt" }),
  schema: z
    .object({ migration: z.string().nullable(), fingerprint: z.string().nullable() })
    .meta({ description: "The schema version of the tenant's database, as master records it (null until provisioned)" }),
});
export type TenantStatusView = z.infer<typeof tenantStatusAnswer>;

export const tenantAnswer = tenantStatusAnswer.extend({
  slug: z.string(),
  statusUrl: z.string(),
  deletedAt: z.date().optional(),
  purgeAfter: z.date().optional().meta({ description: "When a deleted tenant's database and role are dropped" }),
  backup: z.object({ path: z.string(), checksum: z.string().meta({ description: 'SHA-256, hex' }) }).optional(),
});

export const tenantPageAnswer = z.object({
  items: z.array(tenantAnswer),
  nextCursor: z.uuid().nullable().meta({ description: 'The `after` of the next page; null on the last one' }),
});

export function tenantStatusView(tenant: Tenant): TenantStatusView {
  return {
    id: tenant.id,
    name: tenant.name,
    dbName: tenant.dbName,
    server: tenant.server,
    status: tenant.status,
    step: tenant.step,
    attempts: tenant.attempts,
    error: tenant.lastError,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
    readyAt: tenant.readyAt,
    operation: tenant.operation,
    operationError: tenant.operationError,
    schema: schemaView(tenant),
  };
}

export function tenantView(tenant: Tenant): z.infer<typeof tenantAnswer> {
  return {
    ...tenantStatusView(tenant),
    slug: tenant.slug,
    statusUrl: statusUrlOf(tenant.id),
    ...lifecycleView(tenant),
  };
}

/** What a deletion and a purge left, only where set. */
function lifecycleView({ deletedAt, purgeAfter, backup }: Tenant) {
  return { ...(deletedAt && { deletedAt }), ...(purgeAfter && { purgeAfter }), ...(backup && { backup: { ...backup } }) };
}

/** The schema version of the tenant's database as master records it (at provisioning and by every rollout). */
function schemaView({ schemaMigration, schemaFingerprint }: Tenant) {
  return { migration: schemaMigration, fingerprint: schemaFingerprint };
}
