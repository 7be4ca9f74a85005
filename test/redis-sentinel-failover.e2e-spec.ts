import { http } from './support/http';
import { PrivateSentinelGroup } from './support/processes/private-sentinel-group';
import { sleep } from './support/processes/wait';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const BURST = 30;
const CREATE_EVERY_MS = 100;
const FAILOVER_AFTER_MS = 1000;

/** The api and a worker on a private Sentinel group: one master, one replica, three sentinels. */
describe('on a Sentinel group whose master fails over during a burst', () => {
  const group = new PrivateSentinelGroup();
  let stack: TestStack;
  let api: string;

  beforeAll(async () => {
    await group.start();
    stack = new TestStack({
      REDIS_URL: '',
      REDIS_SENTINELS: group.sentinelAddresses,
      REDIS_SENTINEL_NAME: group.masterName,
      // A job lost with the old master's last writes is found again by the reconciler.
      RECONCILE_INTERVAL_MS: '1000',
    });
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.teardown();
    await group.stop();
  });

  it('records and provisions every tenant exactly once, each in one database', async () => {
    const oldMaster = await group.masterPort();
    const answers = Promise.all(
      Array.from({ length: BURST }, async (_, index) => {
        await sleep(index * CREATE_EVERY_MS);
        return (await http(api, 'POST', '/org/create', { json: { name: `Failover Co ${index}` } })).status;
      }),
    );
    await sleep(FAILOVER_AFTER_MS);
    const failoverStartedAt = Date.now();
    await group.failover();
    const failoverMs = Date.now() - failoverStartedAt;
    expect(await group.masterPort()).not.toBe(oldMaster);

    // 503: Redis was away for that request; the tenant is recorded all the same and queued later.
    expect((await answers).every((status) => status === 202 || status === 503)).toBe(true);
    await waitFor(
      'every tenant of the burst to be ready',
      async () => {
        const [row] = await stack.query<{ ready: number }>(`SELECT count(*)::int AS ready FROM tenants WHERE status = 'ready'`);
        return row!.ready === BURST || undefined;
      },
      45_000,
    );

    const tenants = await stack.query<{ db_name: string; ready_at: Date }>('SELECT db_name, ready_at FROM tenants ORDER BY ready_at');
    expect(tenants).toHaveLength(BURST);
    expect(await stack.tenantDatabases()).toEqual(tenants.map((tenant) => tenant.db_name).sort());

    const readyTimes = tenants.map((tenant) => tenant.ready_at.getTime());
    const longestGapMs = Math.max(...readyTimes.slice(1).map((time, index) => time - readyTimes[index]!));
    process.stdout.write(
      `sentinel failover: ${failoverMs} ms for the sentinels to name a new master; ` +
        `longest pause between two tenants becoming ready: ${longestGapMs} ms; ` +
        `${(await answers).filter((status) => status === 503).length} of ${BURST} creations answered 503\n`,
    );
  });
});
