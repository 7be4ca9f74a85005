import type { TenantSeedReport } from '@app/tenancy';

export function sumSeedReports(reports: TenantSeedReport[]): TenantSeedReport {
  return {
    seeded: reports.reduce((sum, report) => sum + report.seeded, 0),
    applied: reports.reduce((sum, report) => sum + report.applied, 0),
    busy: reports.flatMap((report) => report.busy),
    failed: reports.flatMap((report) => report.failed),
  };
}

export function seedReportText(report: TenantSeedReport): string {
  const lines = [`seeded ${report.seeded} tenant(s), ${report.applied} seed(s) applied`];
  if (report.busy.length) lines.push(`busy (run again shortly): ${report.busy.join(', ')}`);
  for (const { tenantId, error } of report.failed) lines.push(`failed ${tenantId}: ${error}`);
  return lines.join('\n');
}
