import type { ChaosLab } from './chaos-lab';
import { Fingerprint, MoveRig, ServerName } from './move-rig';
import type { PrivatePostgres } from './private-postgres';
import { ScenarioWorld } from './scenario-world';
import type { Tally } from './tally';

export interface MoveScenario {
  /** Lower case, digits and _ only: names the master database, the tenant prefix and the log directory. */
  key: string;
  title: string;
  /** Rows of random text in the tenant's table: enough that the copy takes a moment. */
  rows: number;
  budgetMs: number;
  /** Moves the tenant, with whatever goes wrong on the way; returns the server it must end up on. */
  body: (rig: MoveRig) => Promise<ServerName>;
}

/**
 * One tenant on the lab's cluster (`default`), `far` registered through the api, a built api,
 * worker and tenant-api; the scenario's body moves the tenant and kills what it likes. Then the
 * tenant must be settled on exactly the server the body names: ready, no operation, its database
 * and role there and neither on the other server, no building database left anywhere, its data
 * equal to what it was (rows, sums, no migration recorded twice), its users read and a new one
 * written through tenant-api. Tallied as one tenant: ready, or lost with the reasons.
 */
export async function runMoveScenario(lab: ChaosLab, far: PrivatePostgres, results: Tally[], scenario: MoveScenario) {
  // One worker: each kill leaves the move to the worker started after it, not to a second one standing by.
  const world = new ScenarioWorld(lab, scenario.key, { workers: 1, env: { WARM_POOL_SIZE: '0' } });
  const rig = new MoveRig(world, { default: lab.pg, far });
  const started = Date.now();
  world.endsAt = started + scenario.budgetMs;
  const problems: string[] = [];
  let expected: ServerName | undefined;
  let before: Fingerprint | undefined;
  try {
    await world.start();
    await world.startTenantApi();
    const added = await world.request('POST', '/servers', { name: 'far', url: far.url('postgres'), capacity: 10 });
    if (added.status !== 201) throw new Error(`POST /servers: ${added.status} ${JSON.stringify(added.body)}`);
    await rig.makeTenant(scenario.rows);
    before = await rig.fingerprint('default');
    expected = await scenario.body(rig);
    problems.push(...(await landed(rig, expected, before, world.endsAt - Date.now())));
  } catch (error) {
    problems.push(`scenario aborted: ${error instanceof Error ? error.message : String(error)}`);
  }
  const elapsedMs = Date.now() - started;
  await world.stop();
  problems.push(...world.problems, ...world.services.flatMap((service) => service.unexpectedExits));

  const copies = rig.tenant ? await leftovers(rig).catch((error: Error) => [`could not count copies: ${error.message}`]) : [];
  const result: Tally = {
    scenario: scenario.title,
    submitted: 1,
    ready: problems.length ? 0 : 1,
    failed: 0,
    lost: problems.length ? 1 : 0,
    duplicateDatabases: copies.length,
    findings: copies,
    notes: [
      ...world.notes,
      `${before?.bulkRows ?? '?'} rows, ended on ${expected ?? '?'}`,
      `took ${(elapsedMs / 1000).toFixed(1)} s`,
    ],
    problems,
  };
  results.push(result);
  if (!problems.length && !copies.length) return;
  lab.markFailed();
  throw new Error(
    [
      `${scenario.title}:`,
      ...[...problems, ...copies].map((problem) => `  - ${problem}`),
      `  process logs: ${world.logDir} (copied under test/chaos/logs/ when the run ends)`,
    ].join('\n'),
  );
}

/** Why the tenant is not settled, whole and usable on `server` alone (empty when it is). */
async function landed(rig: MoveRig, server: ServerName, before: Fingerprint, timeoutMs: number): Promise<string[]> {
  const row = await rig.moveSettled(Math.max(timeoutMs, 0));
  if (!row) return [`the move did not settle in time: ${JSON.stringify(await rig.row())}`];
  const problems: string[] = [];
  const other: ServerName = server === 'far' ? 'default' : 'far';
  if (row.status !== 'ready' || row.server !== server || row.move_source || row.move_target) {
    problems.push(`master row ${JSON.stringify(row)}, not ready on ${server}`);
  }
  const [here, there] = [await rig.presence(server), await rig.presence(other)];
  if (!here.databaseOid || !here.role?.login) problems.push(`on ${server}: ${JSON.stringify(here)}`);
  if (there.databaseOid || there.role) problems.push(`the tenant is still on ${other}: ${JSON.stringify(there)}`);
  const after = here.databaseOid ? await rig.fingerprint(server) : undefined;
  // Users written through tenant-api while the move was off (see M4) count as well.
  const expected = { ...before, users: rig.tenant.emails.length };
  if (JSON.stringify(after) !== JSON.stringify(expected)) {
    problems.push(`data on ${server} ${JSON.stringify(after)} differs from what it should hold ${JSON.stringify(expected)}`);
  }
  const listed = await rig.users('GET', '/users?limit=100');
  const emails = listed.status === 200 ? (listed.body.items as { email: string }[]).map((user) => user.email) : [];
  if (JSON.stringify(emails) !== JSON.stringify(rig.tenant.emails)) {
    problems.push(`GET /users through tenant-api: ${listed.status} ${JSON.stringify(emails)}`);
  }
  const written = await rig.users('POST', '/users', { name: 'After', email: 'after@example.com' });
  if (written.status !== 201) problems.push(`POST /users through tenant-api after the move: ${written.status}`);
  else rig.world.notes.push('tenant-api reads and writes afterwards');
  return problems;
}

/** Databases of the tenant beyond its one: a copy on the other server, or a building database left behind. */
async function leftovers(rig: MoveRig): Promise<string[]> {
  const copies: string[] = [];
  const building: string[] = [];
  for (const server of ['default', 'far'] as const) {
    const presence = await rig.presence(server);
    if (presence.databaseOid) copies.push(`${rig.tenant.dbName} on ${server}`);
    if (presence.building) building.push(`${rig.building} (building) left on ${server}`);
  }
  return [...copies.slice(1), ...building];
}
