import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { flakyMigrationsDir, PLANNED_FAILURES } from './support/flaky-migration';
import { runScenario } from './support/run-scenario';
import { useChaosLab } from './support/use-chaos-lab';
import { sleep } from '../support/processes/wait';

/** Real api and worker processes, a private PostgreSQL and Redis, and things going wrong. */
describe('tenant provisioning under chaos', () => {
  const { lab, results } = useChaosLab();

  it(
    '1: kill -9 of a worker while 30 tenants are in flight',
    () =>
      runScenario(lab, results, {
        key: 's1',
        title: '1 kill -9 worker (no pool)',
        // Without spares every tenant's role is made on the request's path, and retried after each kill.
        options: { workers: 2, env: { WARM_POOL_SIZE: '0' } },
        budgetMs: 90_000,
        body: async (world) => {
          for (const [round, delayMs] of [0, 100, 500].entries()) {
            const ids = await world.submit(`round${round}`, 30);
            await sleep(delayMs);
            const victim = world.workers[round % 2]!;
            const inFlight = await world.unsettled(ids);
            await victim.kill9();
            world.notes.push(`kill -9 ${victim.name} ${delayMs} ms after the 202s with ${inFlight}/30 unsettled`);
            await victim.start();
            await world.waitSettled(30_000, ids);
          }
        },
      }),
    150_000,
  );

  it(
    '2: Redis flushed and restarted empty while tenants wait',
    () =>
      runScenario(lab, results, {
        key: 's2',
        title: '2 redis flush + restart',
        options: { workers: 2 },
        budgetMs: 90_000,
        body: async (world) => {
          const ids = await world.submit('before', 30);
          await lab.redis.flushAll();
          world.notes.push(`FLUSHALL with ${await world.unsettled(ids)}/30 unsettled`);
          await sleep(300);
          await lab.redis.restart(1_000);
          await world.expectHealthy(20_000, 'the Redis restart');
          await world.waitSettled(30_000, ids);
          // Each worker alone must take new jobs: one left disconnected would hide behind the other.
          for (const [index, worker] of world.workers.entries()) {
            const others = world.workers.filter((other) => other !== worker);
            others.forEach((other) => other.freeze());
            try {
              const since = Date.now();
              const alone = await world.submit(`alone${index}`, 5);
              if (await world.waitSettled(20_000, alone)) {
                world.notes.push(`${worker.name} alone settled 5 new tenants in ${Date.now() - since} ms`);
              } else {
                world.problems.push(
                  `${worker.name} alone did not settle 5 new tenants after the Redis restart (log: ${worker.logFile})`,
                );
              }
            } finally {
              others.forEach((other) => other.thaw());
            }
          }
        },
      }),
    150_000,
  );

  it(
    '3: PostgreSQL restarted mid-flight',
    () =>
      runScenario(lab, results, {
        key: 's3',
        title: '3 postgres restart',
        options: { workers: 2 },
        budgetMs: 90_000,
        body: async (world) => {
          const rounds = [
            { delayMs: 100, how: 'fast', restart: () => lab.pg.restart('fast') },
            { delayMs: 300, how: 'immediate', restart: () => lab.pg.restart('immediate', 1_000) },
            { delayMs: 500, how: 'kill -9', restart: async () => (await lab.pg.kill9(), await lab.pg.start()) },
          ];
          for (const [round, { delayMs, how, restart }] of rounds.entries()) {
            const ids = await world.submit(`round${round}`, 30);
            await sleep(delayMs);
            const inFlight = await world.unsettled(ids);
            await restart();
            world.notes.push(`${how} restart ${delayMs} ms after the 202s with ${inFlight}/30 unsettled`);
            await world.expectHealthy(20_000, `the ${how} restart`);
            await world.waitSettled(25_000, ids);
          }
        },
      }),
    150_000,
  );

  it(`4: a tenant migration that fails ${PLANNED_FAILURES} times, then succeeds`, async () => {
    const flaky = flakyMigrationsDir(path.join(lab.build.dir, 'dist/migrations/tenant'), path.join(lab.root, 'flaky'));
    await runScenario(lab, results, {
      key: 's4',
      title: '4 flaky migration',
      options: {
        workers: 2,
        env: { TENANT_MIGRATIONS_DIR: flaky.dir, PROVISION_ATTEMPTS: String(PLANNED_FAILURES + 1), WARM_POOL_SIZE: '0' },
      },
      budgetMs: 60_000,
      body: async (world) => {
        const ids = await world.submit('flaky', 10);
        await world.waitSettled(45_000, ids);
        const failedIn = flaky.failedIn();
        world.notes.push(`planned failures happened in ${failedIn.join(', ') || 'no database'}`);
        if (failedIn.length !== PLANNED_FAILURES)
          world.problems.push(`the migration failed ${failedIn.length} times, not ${PLANNED_FAILURES}`);
      },
    });
  }, 120_000);

  it(
    '5: racing POSTs of one name, then 30 distinct names at once',
    () =>
      runScenario(lab, results, {
        key: 's5',
        title: '5 racing POSTs',
        options: { workers: 2 },
        budgetMs: 60_000,
        body: async (world) => {
          const answers = await Promise.all(Array.from({ length: 20 }, () => world.create('Racing Corp')));
          const statuses = answers.map((answer) => answer.status).sort();
          const winner = answers.find((answer) => answer.status === 202)?.body.id;
          const accepted = statuses.filter((status) => status === 202).length;
          const conflicts = answers.filter((answer) => answer.status === 409);
          world.notes.push(`20 POSTs of one name: ${accepted} x 202, ${conflicts.length} x 409`);
          if (accepted !== 1 || conflicts.length !== 19) {
            world.problems.push(`20 POSTs of one name: expected one 202 and 19 409, got ${statuses.join(' ')}`);
          }
          if (conflicts.some((answer) => answer.body.existingTenantId !== winner)) {
            world.problems.push(`a 409 named another tenant than the accepted ${winner}`);
          }
          const [row] = await lab.pg.query<{ count: number }>(
            world.masterDb,
            "SELECT count(*)::int AS count FROM tenants WHERE slug = 'racing_corp'",
          );
          const { count } = row!;
          if (count !== 1) world.problems.push(`${count} tenant rows for the raced name`);
          await world.submit('distinct', 30);
        },
      }),
    120_000,
  );

  it(
    '6: rolling restart, each worker stopped with SIGTERM mid-flight',
    () =>
      runScenario(lab, results, {
        key: 's6',
        title: '6 SIGTERM workers',
        options: { workers: 2 },
        budgetMs: 60_000,
        body: async (world) => {
          for (const [index, worker] of world.workers.entries()) {
            const ids = await world.submit(`rolling${index}`, 15);
            await sleep(200);
            const inFlight = await world.unsettled(ids);
            const since = Date.now();
            await worker.stop();
            world.notes.push(`SIGTERM ${worker.name} with ${inFlight}/15 unsettled, exited in ${Date.now() - since} ms`);
            await worker.start();
          }
          await world.waitSettled(45_000);
          // A graceful stop lets its jobs finish: no tenant may need a second attempt.
          const retried = await lab.pg.query<{ name: string; attempts: number }>(
            world.masterDb,
            'SELECT name, attempts FROM tenants WHERE id = ANY($1::uuid[]) AND attempts > 1',
            [world.acceptedIds()],
          );
          for (const tenant of retried)
            world.problems.push(`${tenant.name} needed ${tenant.attempts} attempts after a graceful stop`);
        },
      }),
    120_000,
  );

  it("7: PostgreSQL's log, with every role statement logged, holds no password", () => {
    const log = readFileSync(lab.pg.logFile, 'utf8');
    const passwords = [...log.matchAll(/PASSWORD\s+'([^']*)'/gi)].map((match) => match[1]!);
    const plaintext = passwords.filter((value) => !/^SCRAM-SHA-256\$4096:[\w+/=]+\$[\w+/=]+:[\w+/=]+$/.test(value));
    process.stdout.write(
      `PostgreSQL log: ${passwords.length} role statements with a SCRAM verifier, ${plaintext.length} with anything else\n`,
    );
    expect(passwords.length).toBeGreaterThan(0);
    expect(plaintext).toEqual([]);
  });
});
