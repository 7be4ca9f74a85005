import type { ChaosLab } from './chaos-lab';
import { ScenarioWorld, WorldOptions } from './scenario-world';
import { Tally, tally } from './tally';

export interface Scenario {
  /** Short lower-case key: names the master database, the tenant prefix and the log directory. */
  key: string;
  title: string;
  options: WorldOptions;
  /** Time from starting the processes until every tenant must have settled. */
  budgetMs: number;
  body: (world: ScenarioWorld) => Promise<void>;
}

/**
 * Starts the scenario's processes, runs its body, waits for its tenants within the budget,
 * stops the processes and tallies. Throws on any lost or failed tenant, duplicate database,
 * failed scenario check or process that exited by itself.
 */
export async function runScenario(lab: ChaosLab, results: Tally[], scenario: Scenario): Promise<void> {
  const world = new ScenarioWorld(lab, scenario.key, scenario.options);
  const started = Date.now();
  world.endsAt = started + scenario.budgetMs;
  const failures: string[] = [];
  try {
    await world.start();
    await scenario.body(world);
    await world.waitSettled(scenario.budgetMs);
  } catch (error) {
    failures.push(`scenario aborted: ${error instanceof Error ? error.message : String(error)}`);
  }
  const elapsedMs = Date.now() - started;
  await world.stop();

  let result: Tally | undefined;
  try {
    result = await tally(scenario.title, lab.pg, world.masterDb, world.tenantPrefix, world.accepted);
    result.notes.push(...world.notes, `took ${(elapsedMs / 1000).toFixed(1)} s`);
    results.push(result);
  } catch (error) {
    failures.push(`could not tally: ${error instanceof Error ? error.message : String(error)}`);
  }
  failures.push(...world.problems, ...world.services.flatMap((service) => service.unexpectedExits));
  result?.problems.push(...failures);
  if (result?.lost) failures.push(`${result.lost} lost tenants`);
  if (result?.failed) failures.push(`${result.failed} failed tenants`);
  if (result?.duplicateDatabases) failures.push(`${result.duplicateDatabases} duplicate databases`);
  if (!failures.length) return;

  lab.markFailed();
  const findings = result?.findings ?? [];
  throw new Error(
    [
      `${scenario.title}:`,
      ...failures.map((failure) => `  - ${failure}`),
      ...findings.slice(0, 15).map((finding) => `    ${finding}`),
      ...(findings.length > 15 ? [`    ... and ${findings.length - 15} more`] : []),
      `  process logs: ${world.logDir} (copied under test/chaos/logs/ when the run ends)`,
    ].join('\n'),
  );
}
