import type { Tally } from './tally';

const COLUMNS: [string, (tally: Tally) => string | number][] = [
  ['scenario', (tally) => tally.scenario],
  ['submitted', (tally) => tally.submitted],
  ['ready', (tally) => tally.ready],
  ['failed', (tally) => tally.failed],
  ['lost', (tally) => tally.lost],
  ['duplicate databases', (tally) => tally.duplicateDatabases],
];

/** A Markdown table, padded so it also reads well as plain text. */
export function resultsTable(tallies: Tally[]): string {
  const cells = [COLUMNS.map(([title]) => title), ...tallies.map((tally) => COLUMNS.map(([, value]) => String(value(tally))))];
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(cells[0]!), rule, ...cells.slice(1).map(line)].join('\n');
}

/** The table, then each scenario's notes, problems and findings. */
export function report(tallies: Tally[], elapsedMs: number, keptLogs?: string): string {
  const lines = ['', 'Chaos suite results', '', resultsTable(tallies), ''];
  for (const tally of tallies) {
    lines.push(`${tally.scenario}: ${tally.notes.join('; ')}`);
    const details = [...tally.problems.map((problem) => `FAIL ${problem}`), ...tally.findings];
    for (const detail of details.slice(0, 10)) lines.push(`  ${detail}`);
    if (details.length > 10) lines.push(`  ... and ${details.length - 10} more`);
  }
  lines.push('', `total ${(elapsedMs / 1000).toFixed(1)} s`);
  if (keptLogs) lines.push(`process logs kept in ${keptLogs}`);
  return `${lines.join('\n')}\n\n`;
}
