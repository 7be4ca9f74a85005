import { Client } from 'pg';

/** Clients at once, as in `pgbench -C -S -c 2`. */
const CLIENTS = 2;
const SECONDS = 3;

export interface ConnectionCost {
  /** Connect, `SELECT 1`, disconnect, per second: a new backend each time. */
  new_connections_per_s: number;
  /** `SELECT 1` per second on connections kept open. */
  queries_per_s: number;
}

/**
 * What a new PostgreSQL connection costs here against a query on an open one. It varies more
 * between machines (seven times between two guests of the same size) than anything the service
 * does, and every series whose floor opens connections (routing, fleet) moves with it.
 */
export async function measureConnectionCost(url: string): Promise<ConnectionCost> {
  const perSecond = async (round: (slot: number) => Promise<unknown>) => {
    const until = performance.now() + SECONDS * 1000;
    let rounds = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, slot) => {
        while (performance.now() < until) {
          await round(slot);
          rounds += 1;
        }
      }),
    );
    return Math.round(rounds / SECONDS);
  };
  const new_connections_per_s = await perSecond(async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('SELECT 1');
    await client.end();
  });
  const open = Array.from({ length: CLIENTS }, () => new Client({ connectionString: url }));
  await Promise.all(open.map((client) => client.connect()));
  const queries_per_s = await perSecond((slot) => open[slot]!.query('SELECT 1'));
  await Promise.all(open.map((client) => client.end()));
  return { new_connections_per_s, queries_per_s };
}
