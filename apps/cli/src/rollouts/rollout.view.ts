import type { RolloutPlan, RolloutReport, RolloutSummary, RolloutTenant } from '@app/tenancy';
import { textTable, textValue } from '../output/text-table';

/** Tenants a rollout has not finished with yet. */
export function unsettled({ totals }: RolloutSummary): number {
  return totals.pending + totals.queued + totals.running;
}

/** Whether anything in it failed: a stopped rollout, or a tenant that failed. */
export function rolloutFailed(rollout: RolloutSummary): boolean {
  return rollout.state === 'stopped' || rollout.totals.failed > 0;
}

export function rolloutSummaryText(rollout: RolloutSummary): string {
  const { totals } = rollout;
  const lines = [
    `rollout ${rollout.id} (${rollout.kind}) ${rollout.state}: ${totals.total - unsettled(rollout)} of ${totals.total} tenants done`,
    `  ${totals.migrated} ${rollout.kind === 'migrate' ? 'migrated' : 'rolled back'}, ${totals.skipped} skipped (current), ` +
      `${totals.failed} failed, ${totals.cancelled} cancelled, ${unsettled(rollout)} to go`,
  ];
  if (rollout.targetFingerprint) lines.push(`  target: ${rollout.targetFingerprint}`);
  if (rollout.error) lines.push(`  error: ${rollout.error}`);
  return lines.join('\n');
}

export function rolloutTenantsText(tenants: RolloutTenant[]): string {
  const header = ['#', 'SLUG', 'STATE', 'APPLIED', 'MS', 'ERROR'];
  const row = (t: RolloutTenant) => [
    String(t.position),
    t.slug,
    t.state,
    t.applied.length ? t.applied.join(',') : '-',
    textValue(t.durationMs),
    textValue(t.error),
  ];
  return textTable([header, ...tenants.map(row)]);
}

export function rolloutReportText(report: RolloutReport): string {
  const lines = [rolloutSummaryText(report)];
  if (report.tenants.items.length) lines.push('', rolloutTenantsText(report.tenants.items));
  if (report.tenants.nextCursor !== null) lines.push(`more: tenants rollout show ${report.id} --after ${report.tenants.nextCursor}`);
  return lines.join('\n');
}

export function rolloutPlanText(plan: RolloutPlan): string {
  const { totals } = plan;
  const header = ['#', 'SLUG', 'STATUS', 'CANARY', 'WOULD APPLY'];
  const row = (t: RolloutPlan['tenants'][number]) => [
    String(t.position),
    t.slug,
    t.status,
    t.canary ? 'yes' : '',
    t.pending === null ? `? ${t.error ?? ''}` : t.pending.join(',') || '- (current)',
  ];
  return [
    `dry run, nothing recorded: ${totals.total} tenants, ${totals.behind} behind, ${totals.current} current, ${totals.unknown} unknown`,
    `  target: ${plan.targetFingerprint}`,
    '',
    textTable([header, ...plan.tenants.map(row)]),
  ].join('\n');
}
