import type { RolloutReport, RolloutSummary } from '@app/tenancy';

/** Where a rollout's report is read: its kind's path. */
export function reportUrlOf(rollout: Pick<RolloutSummary, 'id' | 'kind'>): string {
  return `/fleet/${rollout.kind === 'migrate' ? 'migrations' : 'rollbacks'}/${rollout.id}`;
}

export function rolloutView(rollout: RolloutSummary) {
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

export function rolloutReportView(report: RolloutReport) {
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
