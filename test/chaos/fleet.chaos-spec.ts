import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ChaosLab } from './support/chaos-lab';
import { runScenario } from './support/run-scenario';
import { useChaosLab } from './support/use-chaos-lab';
import { ScenarioWorld } from './support/scenario-world';
import { sleep } from '../support/processes/wait';

const REPO = path.resolve(__dirname, '../..');
const SLOW_AUDIT = '29990101000000_chaos_create_audit';

/** A copy of the built tenant migrations (the .js the build made), in a folder of its own. */
function builtMigrations(lab: ChaosLab, name: string): string {
  const built = path.join(lab.build.dir, 'dist/migrations/tenant');
  const dir = path.join(lab.root, name);
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(built).filter((each) => each.endsWith('.js')))
    copyFileSync(path.join(built, file), path.join(dir, file));
  return dir;
}

const slowMigration = `exports.up = async (knex) => {
  await knex.raw('SELECT pg_sleep(0.25)');
  await knex.schema.createTable('chaos_audit', (table) => table.increments('id'));
};
exports.down = (knex) => knex.schema.dropTable('chaos_audit');
`;

/** Real built api and worker processes against a private PostgreSQL and Redis: fleet rollouts and tenant migration files. */
describe('fleet rollouts and tenant migration files under chaos', () => {
  const { lab, results } = useChaosLab();

  it('F1: kill -9 of a worker mid-rollout, then resume: every tenant migrated exactly once', async () => {
    const migrations = builtMigrations(lab, 'f1-migrations');
    await runScenario(lab, results, {
      key: 'f1',
      title: 'F1 kill -9 worker mid-rollout',
      // The reconciler is slowed down so that resume is what finishes the rollout.
      options: {
        workers: 2,
        env: { TENANT_MIGRATIONS_DIR: migrations, RECONCILE_INTERVAL_MS: '600000', FLEET_MIGRATION_CONCURRENCY: '4' },
      },
      budgetMs: 120_000,
      body: async (world) => {
        const ids = await world.submit('fleet', 30);
        if (!(await world.waitSettled(60_000, ids))) throw new Error('the fleet was not provisioned');
        writeFileSync(path.join(migrations, `${SLOW_AUDIT}.js`), slowMigration);

        const started = await world.request('POST', '/fleet/migrations', {});
        if (started.status !== 202) throw new Error(`POST /fleet/migrations: ${started.status} ${JSON.stringify(started.body)}`);
        const rolloutId = started.body.id as string;
        const since = Date.now();
        await until(world, 20_000, async () => (await reportOf(world, rolloutId)).totals.migrated! >= 6);
        const before = (await reportOf(world, rolloutId)).totals;
        await world.workers[0]!.kill9();
        world.notes.push(`kill -9 worker-0 with ${before.migrated}/30 migrated, ${before.running} running`);
        const resumed = await world.request('POST', `/fleet/migrations/${rolloutId}/resume`);
        if (resumed.status !== 202) world.problems.push(`resume answered ${resumed.status}`);
        await world.workers[0]!.start();

        await until(world, 60_000, async () => (await reportOf(world, rolloutId)).state !== 'running');
        const done = await reportOf(world, rolloutId);
        world.notes.push(`rollout ${done.state} in ${Date.now() - since} ms: ${JSON.stringify(done.totals)}`);
        if (done.state !== 'completed' || done.totals.migrated !== 30) {
          world.problems.push(`rollout ended ${done.state} with ${JSON.stringify(done.totals)}`);
        }
        for (const tenant of world.accepted) {
          const [row] = await lab.pg.query<{ n: number }>(
            tenant.dbName,
            'SELECT count(*)::int AS n FROM knex_migrations WHERE name = $1',
            [SLOW_AUDIT],
          );
          if (row?.n !== 1) world.problems.push(`${tenant.name} has ${row?.n} knex_migrations rows for ${SLOW_AUDIT}`);
        }
      },
    });
  }, 180_000);

  it('F2: a migration that cannot load after start-up makes a tenant wait, never fail, until it is fixed', async () => {
    const migrations = builtMigrations(lab, 'f2-migrations');
    const broken = path.join(migrations, '29990102000000_chaos_broken.js');
    await runScenario(lab, results, {
      key: 'f2',
      title: 'F2 unloadable migration',
      // Two attempts would be spent in under a second if the broken file cost any; no spare skips the migrations.
      options: { workers: 1, env: { TENANT_MIGRATIONS_DIR: migrations, PROVISION_ATTEMPTS: '2', WARM_POOL_SIZE: '0' } },
      budgetMs: 90_000,
      body: async (world) => {
        writeFileSync(broken, 'exports.up = async (knex) => {');
        const [id] = await world.submit('broken', 1);
        await sleep(5_000);
        const [row] = await lab.pg.query<{ status: string }>(world.masterDb, 'SELECT status FROM tenants WHERE id = $1', [id]);
        world.notes.push(`5 s with the broken file: tenant ${row?.status}`);
        if (row?.status !== 'provisioning')
          world.problems.push(`the tenant is ${row?.status}, not provisioning, while the file is broken`);
        writeFileSync(
          broken,
          "exports.up = (knex) => knex.schema.createTable('chaos_fixed', (t) => t.increments('id'));\nexports.down = () => undefined;\n",
        );
        const since = Date.now();
        if (await world.waitSettled(40_000, [id!])) world.notes.push(`ready ${Date.now() - since} ms after the fix`);
      },
    });
  }, 150_000);

  describe('F3: the built worker refuses at start-up, saying what to do', () => {
    it('with TypeScript migrations (as `migrate:make` writes them)', async () => {
      const refusal = await startWorkerExpectingRefusal(lab, 'f3ts', path.join(REPO, 'migrations/tenant'));
      expect(refusal).toContain('holds TypeScript migrations the built worker cannot load (20250101000000_create_users_table.ts)');
      expect(refusal).toContain('run `npm run build`');
    });

    it('with a migration that does not parse', async () => {
      const migrations = builtMigrations(lab, 'f3-js');
      writeFileSync(path.join(migrations, '29990103000000_chaos_typo.js'), 'exports.up = async (knex) => { knex.schema.createTable(');
      const refusal = await startWorkerExpectingRefusal(lab, 'f3js', migrations);
      expect(refusal).toContain('holds migrations that cannot be loaded');
      expect(refusal).toContain('29990103000000_chaos_typo.js: ');
    });
  });
});

interface Report {
  state: string;
  totals: Record<string, number>;
}

async function reportOf(world: ScenarioWorld, rolloutId: string): Promise<Report> {
  const answer = await world.request('GET', `/fleet/migrations/${rolloutId}?limit=1`);
  if (answer.status !== 200) throw new Error(`GET /fleet/migrations/${rolloutId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as Report;
}

async function until(world: ScenarioWorld, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Math.min(Date.now() + timeoutMs, world.endsAt);
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** Starts one built worker that must exit during start-up; returns what the start's error quotes of its log. */
/** `key` names the scenario's master database and tenant prefix: lower case, digits and _ only. */
async function startWorkerExpectingRefusal(lab: ChaosLab, key: string, migrationsDir: string): Promise<string> {
  const world = new ScenarioWorld(lab, key, { workers: 1, env: { TENANT_MIGRATIONS_DIR: migrationsDir } });
  const error: unknown = await world.start().catch((thrown: unknown) => thrown);
  await world.stop();
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toContain('exited during start-up');
  return (error as Error).message;
}
