import * as path from 'node:path';
import { knex } from 'knex';
import { BenchIdentity, countingCheckpoints, dropNamed, quoteIdent, withDatabase, withServer } from './resources';
import { round, summarize, Summary, timedSeries } from './stats';

const TENANT_MIGRATIONS_DIR = path.resolve(__dirname, '../migrations/tenant');

export interface FloorResult extends Summary {
  warmup: number;
  checkpoints_requested_meanwhile: number;
  sequential_tenants_per_s: number;
}

/** Raw CREATE DATABASE, one after another on one open session: what no design can beat. */
export async function measureFloor(id: BenchIdentity, warmup: number, n: number): Promise<FloorResult> {
  const names: string[] = [];
  try {
    const [{ samples, totalMs }, checkpoints] = await withServer(id, (client) =>
      countingCheckpoints(id, () =>
        timedSeries(warmup, n, async (i, warm) => {
          const name = `${id.tenantDbPrefix}floor_${warm ? 'w' : ''}${i}`;
          names.push(name);
          await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
        }),
      ),
    );
    return {
      warmup,
      checkpoints_requested_meanwhile: checkpoints,
      ...summarize(samples),
      sequential_tenants_per_s: round(n / (totalMs / 1000), 2),
    };
  } finally {
    await dropNamed(id, names);
  }
}

export type PocResult = Summary & { warmup: number; checkpoints_requested_meanwhile: number };

/** The proof of concept: CREATE DATABASE, then a fresh Knex migrating it, all in-process. */
export async function measurePoc(id: BenchIdentity, warmup: number, n: number): Promise<PocResult> {
  const names: string[] = [];
  try {
    const [{ samples }, checkpoints] = await withServer(id, (client) =>
      countingCheckpoints(id, () =>
        timedSeries(warmup, n, async (i, warm) => {
          const name = `${id.tenantDbPrefix}poc_${warm ? 'w' : ''}${i}`;
          names.push(name);
          await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
          const tenant = knex({ client: 'pg', connection: withDatabase(id.databaseUrl, name), pool: { min: 0, max: 1 } });
          try {
            await tenant.migrate.latest({ directory: TENANT_MIGRATIONS_DIR });
          } finally {
            await tenant.destroy();
          }
        }),
      ),
    );
    return { warmup, checkpoints_requested_meanwhile: checkpoints, ...summarize(samples) };
  } finally {
    await dropNamed(id, names);
  }
}
