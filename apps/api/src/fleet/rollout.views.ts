import {
  ROLLOUT_KINDS,
  ROLLOUT_STATES,
  ROLLOUT_TENANT_STATES,
  TENANT_STATUSES,
  type RolloutReport,
  type RolloutSummary,
} from '@app/tenancy';
import { z } from 'zod';

/** Where a rollout's report is read: its kind's path. */
export function reportUrlOf(rollout: Pick<RolloutSummary, 'id' | 'kind'>): string {
  return `/fleet/${rollout.kind === 'migrate' ? 'migrations' : 'rollbacks'}/${rollout.id}`;
}

const rolloutOptions = z.object({
  canary: z.number().int().optional(),
  continueOnError: z.boolean().optional(),
  tenants: z.array(z.string()).optional(),
  statuses: z.array(z.enum(TENANT_STATUSES)).optional(),
});

/** A rollout; the views' return types are these schemas, which the OpenAPI document shows. */
export const rolloutAnswer = z.object({
  id: z.uuid(),
  kind: z.enum(ROLLOUT_KINDS),
  state: z.enum(ROLLOUT_STATES),
  targetFingerprint: z
    .string()
    .nullable()
    .meta({ description: 'The fingerprint a migrate rollout brings tenants to; null for a rollback' }),
  options: rolloutOptions,
  error: z.string().nullable(),
  totals: z
    .object(Object.fromEntries(['total', ...ROLLOUT_TENANT_STATES].map((state) => [state, z.number().int()])))
    .meta({ description: 'Tenants in each state; they add up to total' }),
  createdAt: z.date(),
  updatedAt: z.date(),
  finishedAt: z.date().nullable(),
  reportUrl: z.string(),
});

export const rolloutReportAnswer = rolloutAnswer.extend({
  tenants: z.object({
    items: z.array(
      z.object({
        tenantId: z.uuid(),
        slug: z.string(),
        position: z.number().int(),
        state: z.enum(ROLLOUT_TENANT_STATES),
        applied: z.array(z.string()).meta({ description: 'Migrations applied (for a rollback: undone), in order' }),
        durationMs: z.number().nullable(),
        error: z.string().nullable(),
        updatedAt: z.date(),
      }),
    ),
    nextCursor: z.number().int().nullable().meta({ description: 'The `after` of the next page; null on the last one' }),
  }),
});

/** POST /fleet/migrations with dryRun: what would run where; nothing recorded. */
export const rolloutPlanAnswer = z.object({
  dryRun: z.literal(true),
  kind: z.literal('migrate'),
  targetFingerprint: z.string(),
  options: rolloutOptions,
  totals: z.object({ total: z.number().int(), current: z.number().int(), behind: z.number().int(), unknown: z.number().int() }),
  tenants: z.array(
    z.object({
      tenantId: z.uuid(),
      slug: z.string(),
      status: z.enum(TENANT_STATUSES),
      position: z.number().int(),
      canary: z.boolean(),
      pending: z.array(z.string()).nullable().meta({ description: 'The migrations it would get, in order; null when unreadable' }),
      error: z.string().nullable(),
    }),
  ),
});

export function rolloutView(rollout: RolloutSummary): z.infer<typeof rolloutAnswer> {
  return {
    id: rollout.id,
    kind: rollout.kind,
    state: rollout.state,
    targetFingerprint: rollout.targetFingerprint,
    options: rollout.options,
    error: rollout.error,
    totals: rollout.totals,
    createdAt: rollout.createdAt,
    updatedAt: rollout.updatedAt,
    finishedAt: rollout.finishedAt,
    reportUrl: reportUrlOf(rollout),
  };
}

export function rolloutReportView(report: RolloutReport): z.infer<typeof rolloutReportAnswer> {
  return {
    ...rolloutView(report),
    tenants: {
      items: report.tenants.items.map(({ tenantId, slug, position, state, applied, durationMs, error, updatedAt }) => ({
        tenantId,
        slug,
        position,
        state,
        applied,
        durationMs,
        error,
        updatedAt,
      })),
      nextCursor: report.tenants.nextCursor,
    },
  };
}
