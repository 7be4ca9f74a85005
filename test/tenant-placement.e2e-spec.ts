import { knex, Knex } from 'knex';
import { TenantPlacement } from '@app/tenancy';
import { useRunningStack } from './support/running-stack';

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Placement under concurrency, in master's real rows (the api made and migrated master; no worker
 * runs): placements far from a server's capacity do not wait for each other, a drain waits for
 * them, and near capacity they queue so that no server takes one tenant too many.
 */
describe('tenant placement', () => {
  const { stack } = useRunningStack({}, 0);
  let master: Knex;
  let placement: TenantPlacement;
  const open: Knex.Transaction[] = [];

  /** A transaction that gives up on a lock after `ms`: waiting shows as error 55P03. */
  const transaction = async (ms = 5_000) => {
    const trx = await master.transaction();
    open.push(trx);
    await trx.raw(`SET LOCAL lock_timeout = '${ms}ms'`);
    return trx;
  };
  const place = (trx: Knex.Transaction) => placement.choiceFor()(trx);
  /** What a placement would choose now; its transaction rolled back. */
  const choose = async (choice = placement.choiceFor()) => {
    const trx = await transaction();
    try {
      return await choice(trx);
    } finally {
      await trx.rollback();
    }
  };
  const recordTenant = (trx: Knex.Transaction, name: string, server: string) =>
    trx('tenants').insert({ name, slug: name, db_name: `${stack.id}_${name}`, server, step: 'queued' });
  const setDefault = (changes: Record<string, unknown>) => master('database_servers').where({ name: 'default' }).update(changes);
  /** Placement reads only master's rows: this server is never connected to. */
  const addSecondServer = (state: string) =>
    master('database_servers').insert({
      name: 'second',
      address: 'postgres://127.0.0.1:1',
      admin_url_sealed: 'x',
      capacity: 5,
      state,
    });

  beforeAll(() => {
    master = knex({ client: 'pg', connection: stack.config.master.url, pool: { min: 0, max: 6 } });
    placement = new TenantPlacement(master);
  });
  afterEach(async () => {
    for (const trx of open.splice(0)) if (!trx.isCompleted()) await trx.rollback();
    await master('tenants').delete();
    await master('database_servers').whereNot({ name: 'default' }).delete();
    await setDefault({ capacity: 10_000, state: 'active' });
  });
  afterAll(() => master.destroy());

  it('far from capacity: a placement does not wait for one still in flight', async () => {
    const first = await transaction();
    expect(await place(first)).toBe('default');
    await recordTenant(first, 'first', 'default');
    const second = await transaction(500);
    expect(await place(second)).toBe('default');
  });

  it('far from capacity: a drain waits for the placements in flight, and the next placement sees it', async () => {
    const inFlight = await transaction();
    expect(await place(inFlight)).toBe('default');
    const drain = await transaction(300);
    await expect(drain('database_servers').where({ name: 'default' }).update({ state: 'draining' })).rejects.toMatchObject({
      code: LOCK_NOT_AVAILABLE,
    });
    await inFlight.commit();
    await setDefault({ state: 'draining' });
    expect(await place(await transaction())).toBeUndefined();
  });

  it('near capacity: placements queue, and the last place is taken once', async () => {
    const { rows } = await master.raw<{ rows: { n: number }[] }>("SELECT current_setting('max_connections')::int AS n");
    // Room for one tenant, and fewer places than master has connections: the exclusive path.
    await setDefault({ capacity: 1 });
    expect(rows[0]!.n).toBeGreaterThan(1);
    const first = await transaction();
    expect(await place(first)).toBe('default');
    await recordTenant(first, 'last-place', 'default');
    await expect(place(await transaction(300))).rejects.toMatchObject({ code: LOCK_NOT_AVAILABLE });
    await first.commit();
    expect(await place(await transaction())).toBeUndefined();
  });

  it('a restore goes back to its former server while that has room and takes tenants, else to the one with the most room', async () => {
    await addSecondServer('active');
    const restore = (previous: string | null) => choose(placement.choiceForRestore(previous));
    await setDefault({ capacity: 20_000 });
    expect(await restore('second')).toBe('second');
    expect(await restore(null)).toBe('default');

    await master('tenants').insert(
      Array.from({ length: 5 }, (_, i) => ({
        name: `s${i}`,
        slug: `s${i}`,
        db_name: `${stack.id}_s${i}`,
        server: 'second',
        step: 'queued',
      })),
    );
    expect(await restore('second')).toBe('default');
    await master('tenants').where({ server: 'second' }).delete();
    await master('database_servers').where({ name: 'second' }).update({ state: 'draining' });
    expect(await restore('second')).toBe('default');
    await setDefault({ state: 'disabled' });
    expect(await restore('second')).toBeUndefined();
  });

  it('counts a tenant moving onto a server as one of its tenants already', async () => {
    await addSecondServer('draining');
    await setDefault({ capacity: 1 });
    expect(await choose()).toBe('default');
    const mover = { name: 'mover', slug: 'mover', db_name: `${stack.id}_mover`, server: 'second', status: 'ready', step: 'ready' };
    await master('tenants').insert({ ...mover, operation: 'move', move_source: 'second', move_target: 'default' });
    expect(await choose()).toBeUndefined();
  });
});
