import { HeldTransaction } from './support/held-transaction';
import type { MoveRig } from './support/move-rig';
import type { PrivatePostgres } from './support/private-postgres';
import { runMoveScenario } from './support/run-move-scenario';
import { useChaosLab } from './support/use-chaos-lab';
import { pollUntil } from '../support/processes/wait';

/** Rows of about 140 bytes: some 30 MB, so pg_restore is seen loading for a while. */
const ROWS = 200_000;

/**
 * A tenant moved from the lab's cluster to a second private cluster by real built processes,
 * its worker killed at each step of the move (found by watching the servers, never by timing),
 * then another worker started: the move must land with every row, once, on one server. And the
 * target stopped mid-copy: the tenant must be back on its source and usable.
 */
describe('tenant moves under chaos', () => {
  const { lab, results } = useChaosLab();
  let far: PrivatePostgres;

  beforeAll(async () => {
    far = await lab.startCluster('far');
  }, 60_000);

  it(
    'M1: kill -9 of the worker during the dump/restore pipe: the copy starts again and lands',
    () =>
      runMoveScenario(lab, far, results, {
        key: 'm1',
        title: 'M1 kill -9 mid-copy',
        rows: ROWS,
        budgetMs: 90_000,
        body: async (rig) => {
          await rig.requestMove();
          await until(rig, 'pg_restore loading on far', () => restoring(rig));
          await rig.world.workers[0]!.kill9();
          const [row, onFar] = [await rig.row(), await rig.presence('far')];
          rig.world.notes.push(`killed while pg_restore loaded: registry ${row.server}, building database on far ${onFar.building}`);
          if (row.server !== 'default' || !onFar.building || onFar.databaseOid) {
            rig.world.problems.push(`not killed mid-copy: ${JSON.stringify({ row, onFar })}`);
          }
          const meanwhile = await rig.users('GET', '/users');
          if (meanwhile.status !== 503) rig.world.problems.push(`tenant-api answered ${meanwhile.status}, not 503, mid-move`);
          await restartWorker(rig);
          return 'far';
        },
      }),
    150_000,
  );

  it(
    'M2: kill -9 after the copy is verified, before the registry switch: the next worker only switches',
    () =>
      runMoveScenario(lab, far, results, {
        key: 'm2',
        title: 'M2 kill -9 before switch',
        rows: ROWS,
        budgetMs: 90_000,
        body: async (rig) => {
          const switching = await holdTheSwitch(rig);
          try {
            await rig.world.workers[0]!.kill9();
            await rig.terminate('default', switching.pids);
          } finally {
            await switching.held.release();
          }
          const [row, onFar] = [await rig.row(), await rig.presence('far')];
          rig.world.notes.push(`killed at the switch: registry ${row.server}, verified copy on far ${!!onFar.databaseOid}`);
          if (row.server !== 'default' || !onFar.databaseOid)
            rig.world.problems.push(`not killed before the switch: ${JSON.stringify({ row, onFar })}`);
          await restartWorker(rig);
          await sameCopyAfterwards(rig, onFar.databaseOid);
          return 'far';
        },
      }),
    150_000,
  );

  it(
    'M3: kill -9 right after the registry switch, before the source is dropped: the next worker opens and cleans up',
    () =>
      runMoveScenario(lab, far, results, {
        key: 'm3',
        title: 'M3 kill -9 after switch',
        rows: ROWS,
        budgetMs: 90_000,
        body: async (rig) => {
          const switching = await holdTheSwitch(rig);
          let opening: HeldTransaction | undefined;
          try {
            // The role's row on far is locked: the worker switches, then waits to set the role's own password there.
            const [role] = await far.query<{ limit: number }>(
              'postgres',
              'SELECT rolconnlimit AS limit FROM pg_roles WHERE rolname = $1',
              [rig.tenant.dbRole],
            );
            if (!role) throw new Error(`no role ${rig.tenant.dbRole} on far while the switch is held`);
            opening = await HeldTransaction.open(
              far.url('postgres'),
              `ALTER ROLE "${rig.tenant.dbRole}" CONNECTION LIMIT ${role.limit}`,
            );
            await switching.held.release();
            const pids = await until(rig, 'the worker waiting to open the role on far', async () => {
              const waiting = await rig.waitingOnLock('far', 'postgres', 'ALTER ROLE%PASSWORD%');
              return waiting.length ? waiting : undefined;
            });
            await rig.world.workers[0]!.kill9();
            await rig.terminate('far', pids);
          } finally {
            await switching.held.release();
            await opening?.release();
          }
          const [row, onSource, onFar] = [await rig.row(), await rig.presence('default'), await rig.presence('far')];
          rig.world.notes.push(`killed after the switch: registry ${row.server}, source database kept ${!!onSource.databaseOid}`);
          if (row.server !== 'far' || !onSource.databaseOid || onSource.role?.login !== false) {
            rig.world.problems.push(`not killed between switch and drop: ${JSON.stringify({ row, onSource })}`);
          }
          await restartWorker(rig);
          await sameCopyAfterwards(rig, onFar.databaseOid);
          return 'far';
        },
      }),
    150_000,
  );

  it(
    'M4: the target stopped mid-copy: the tenant is back on its source and usable; moved once the target is back',
    () =>
      runMoveScenario(lab, far, results, {
        key: 'm4',
        title: 'M4 target stopped mid-copy',
        rows: ROWS,
        budgetMs: 120_000,
        body: async (rig) => {
          await rig.requestMove();
          await until(rig, 'pg_restore loading on far', () => restoring(rig));
          const stopped = Date.now();
          await far.stop('immediate');
          try {
            const usable = await pollUntil(async () => (await rig.users('GET', '/users')).status === 200, 30_000, 200);
            const row = await rig.row();
            rig.world.notes.push(
              `far stopped mid-copy; tenant ${usable ? `usable on ${row.server} after ${Date.now() - stopped} ms` : 'not usable in 30 s'} (${row.operation_error?.split('\n')[0]})`,
            );
            if (!usable || row.server !== 'default' || row.operation) {
              rig.world.problems.push(`with far down the tenant is not usable on its source: ${JSON.stringify(row)}`);
            }
            const written = await rig.users('POST', '/users', { name: 'During', email: 'during@example.com' });
            if (written.status === 201) rig.tenant.emails.push('during@example.com');
            else rig.world.problems.push(`POST /users with far down: ${written.status}`);
          } finally {
            await far.start();
          }
          // Refused (409, unreachable) until a worker's monitor has seen far answer again; then it replaces what the first copy left.
          const back = Date.now();
          const moved = () => rig.world.request('POST', `/org/${rig.tenant.id}/move`, { server: 'far' });
          if (!(await pollUntil(async () => (await moved()).status === 202, 20_000, 250)))
            throw new Error('far never took the move again');
          rig.world.notes.push(`moved again ${Date.now() - back} ms after far was back`);
          return 'far';
        },
      }),
    150_000,
  );
});

/** Polls `probe` every 20 ms until it returns something; throws after 30 s or the scenario's budget. */
async function until<T>(rig: MoveRig, what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  let value: T | undefined | false;
  const found = await pollUntil(async () => !!(value = await probe()), Math.min(30_000, rig.world.endsAt - Date.now()), 20);
  if (!found) throw new Error(`gave up waiting for ${what}`);
  return value as T;
}

/** pg_restore, logged in as the tenant's role, loading the building database on far. */
async function restoring(rig: MoveRig): Promise<boolean> {
  const sessions = await rig.servers.far.query(
    'postgres',
    "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'pg_restore' AND state = 'active'",
    [rig.building],
  );
  return sessions.length > 0;
}

/**
 * Requests the move with the tenant's master row locked: the worker copies, verifies and renames,
 * then waits at the registry switch. Returns the lock and the worker's waiting session.
 */
async function holdTheSwitch(rig: MoveRig): Promise<{ held: HeldTransaction; pids: number[] }> {
  await rig.requestMove();
  const held = await HeldTransaction.open(rig.master.url(rig.world.masterDb), 'SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [
    rig.tenant.id,
  ]);
  try {
    const pids = await until(rig, 'the worker waiting at the registry switch', async () => {
      const waiting = await rig.waitingOnLock('default', rig.world.masterDb, 'update "tenants" set "server"%');
      return waiting.length ? waiting : undefined;
    });
    return { held, pids };
  } catch (error) {
    await held.release();
    throw error;
  }
}

/** Another worker in place of the killed one, as a restarted pod would be. */
async function restartWorker(rig: MoveRig): Promise<void> {
  const since = Date.now();
  await rig.world.workers[0]!.start();
  const row = await rig.moveSettled(Math.max(0, rig.world.endsAt - Date.now()));
  rig.world.notes.push(`move settled ${Date.now() - since} ms after the new worker started (${row?.operation_error ?? 'no error'})`);
}

/** The copy on far made before the kill is the one kept: the next worker did not copy again. */
async function sameCopyAfterwards(rig: MoveRig, oidBefore: number | undefined): Promise<void> {
  const { databaseOid } = await rig.presence('far');
  if (databaseOid !== oidBefore) rig.world.problems.push(`far's database was made again (oid ${oidBefore} → ${databaseOid})`);
}
