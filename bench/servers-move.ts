import { freePort } from '../test/support/processes/free-port';
import { sleep } from '../test/support/processes/wait';
import { provisionOne } from './e2e';
import { JsonClient } from './json-client';
import { BenchIdentity, quoteIdent, withDatabase } from './resources';
import { tenantHeaders } from './routing-tenants';
import { serviceEnv, startTenantApi } from './services';
import type { Stack } from './stack';
import { round } from './stats';
import { Client } from 'pg';

const MB = 1024 * 1024;
const POLL_MS = 50;
const MOVE_TIMEOUT_MS = 5 * 60_000;
/** Rows of ~900 bytes of random text: about 100 MB on disk with the primary key, incompressible. */
const BULK_ROWS = 100_000;

export interface MoveResult {
  from: string;
  to: string;
  database_mb: number;
  /** POST /org/:id/move → its status seen with no operation under way (the source dropped). */
  move_s: number;
  /** POST → the status first naming the target server. */
  switched_s: number;
  /** Last write answered 2xx before the first refusal → first answered 2xx after the last one. */
  unavailable_s: number;
  move_seconds_per_100mb: number;
  writes: { answered: number; refused: number; refusals: Record<string, number> };
  how: string;
}

interface TenantView {
  dbName: string;
  server: string;
  status: string;
  operation: string | null;
  operationError: string | null;
}

/**
 * A tenant on `from` filled with ~100 MB as its own role, then moved to `to` while a writer loop
 * POSTs /users through tenant-api one after another.
 */
export async function measureMove(
  stack: Stack,
  fromId: BenchIdentity,
  from: string,
  to: string,
  env: Record<string, string>,
): Promise<MoveResult> {
  const admin = new JsonClient(stack.api.baseUrl, { authorization: stack.authorization });
  const tenantApi = await startTenantApi(serviceEnv(stack.id, env), await freePort());
  const users = new JsonClient(tenantApi.baseUrl);
  let writer: ReturnType<typeof writeLoop> | undefined;
  try {
    const { tenantId } = await provisionOne(stack, 'bench move', from);
    const tenant = await view(admin, tenantId);
    const bytes = await fill(withDatabase(fromId.serverUrl, tenant.dbName), tenant.dbName);
    const headers = tenantHeaders({ id: tenantId, key: await stack.issueApiKey(tenantId) });
    writer = writeLoop(users, headers);
    await writer.firstAnswer;

    const t0 = performance.now();
    const { status, body } = await admin.request('POST', `/org/${tenantId}/move`, { server: to });
    if (status !== 202) throw new Error(`POST /org/${tenantId}/move answered ${status}: ${JSON.stringify(body)}`);
    let switchedMs: number | undefined;
    let done: TenantView;
    for (;;) {
      done = await view(admin, tenantId);
      if (done.server === to) switchedMs ??= performance.now() - t0;
      if (done.operation === null) break;
      if (performance.now() - t0 > MOVE_TIMEOUT_MS) throw new Error(`move of ${tenantId} not done after ${MOVE_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
    const moveMs = performance.now() - t0;
    if (done.status !== 'ready' || done.server !== to || done.operationError) {
      throw new Error(`move of ${tenantId} ended ${JSON.stringify(done)}`);
    }
    const writes = await writer.stopAfterAnAnswerSince(performance.now());
    const refused = writes.filter((write) => write.status !== 201);
    const size = bytes / (100 * MB);
    return {
      from,
      to,
      database_mb: round(bytes / MB),
      move_s: round(moveMs / 1000, 2),
      switched_s: round((switchedMs ?? moveMs) / 1000, 2),
      unavailable_s: round(unavailableMs(writes) / 1000, 2),
      move_seconds_per_100mb: round(moveMs / 1000 / size, 2),
      writes: {
        answered: writes.length - refused.length,
        refused: refused.length,
        refusals: Object.fromEntries(
          [...new Set(refused.map((write) => write.status))].map((code) => [
            code,
            refused.filter((write) => write.status === code).length,
          ]),
        ),
      },
      how: `one table of ${BULK_ROWS} rows of random text written as the tenant's role; POST /users through tenant-api one after another (20 ms pause after a refusal) during the move; status polled every ${POLL_MS} ms`,
    };
  } finally {
    await writer?.stop();
    users.close();
    admin.close();
    await tenantApi.stop();
  }
}

async function view(admin: JsonClient, tenantId: string): Promise<TenantView> {
  const { status, body } = await admin.request<TenantView>('GET', `/org/${tenantId}/status`);
  if (status !== 200) throw new Error(`GET /org/${tenantId}/status answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** The tenant's data, written as its own role (the superuser's session SETs it); returns the database's size. */
async function fill(url: string, role: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`SET ROLE ${quoteIdent(role)}`);
    await client.query('CREATE TABLE bulk (id bigint PRIMARY KEY, payload text NOT NULL)');
    await client.query(
      `INSERT INTO bulk SELECT g, (SELECT string_agg(md5(random()::text || i || g), '') FROM generate_series(1, 28) i)
         FROM generate_series(1, $1::int) g`,
      [BULK_ROWS],
    );
    await client.query('RESET ROLE');
    await client.query('CHECKPOINT');
    const { rows } = await client.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    return Number(rows[0]!.bytes);
  } finally {
    await client.end();
  }
}

interface Write {
  status: number;
  at: number;
}

function writeLoop(users: JsonClient, headers: Record<string, string>) {
  const writes: Write[] = [];
  let writing = true;
  let answered = () => {};
  const answer = new Promise<void>((resolve) => (answered = resolve));
  const loop = (async () => {
    for (let i = 0; writing; i++) {
      const { status, body } = await users.request(
        'POST',
        '/users',
        { name: `Mover ${i}`, email: `mover${i}@bench.example` },
        headers,
      );
      if (![201, 403, 503].includes(status)) throw new Error(`POST /users answered ${status}: ${JSON.stringify(body)}`);
      writes.push({ status, at: performance.now() });
      if (status === 201) answered();
      else await sleep(20);
    }
  })();
  return {
    /** The loop's first 2xx; a loop that fails first rejects it. */
    firstAnswer: Promise.race([answer, loop]),
    /** Once a write answered 2xx after `since` (the tenant is open again), stops and returns every write. */
    async stopAfterAnAnswerSince(since: number): Promise<Write[]> {
      while (!writes.some((write) => write.status === 201 && write.at > since)) await Promise.race([sleep(POLL_MS), loop]);
      writing = false;
      await loop;
      return writes;
    },
    /** Stops the loop, whatever it ended with (after a failure elsewhere). */
    async stop(): Promise<void> {
      writing = false;
      await loop.catch(() => undefined);
    },
  };
}

function unavailableMs(writes: Write[]): number {
  const refused = writes.filter((write) => write.status !== 201);
  if (!refused.length) return 0;
  const before = writes.filter((write) => write.status === 201 && write.at < refused[0]!.at).pop();
  const after = writes.find((write) => write.status === 201 && write.at > refused[refused.length - 1]!.at);
  return (after?.at ?? performance.now()) - (before?.at ?? refused[0]!.at);
}
