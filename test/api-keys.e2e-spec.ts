import { createHash, randomUUID } from 'node:crypto';
import {
  ApiKeyRepository,
  apiKeyMatches,
  createRedisClient,
  MAX_ACTIVE_API_KEYS,
  parseApiKey,
  tenantAccessChannel,
} from '@app/tenancy';
import knex, { Knex } from 'knex';
import { http } from './support/http';
import { useRunningStack } from './support/running-stack';
import { waitFor } from './support/wait-for';

const ADMIN_API_KEY = 'test-admin-key-0123456789';

describe('tenant API keys', () => {
  // No worker: a key belongs to a recorded tenant whatever its status.
  const world = useRunningStack({ ADMIN_API_KEY }, 0);
  const { stack } = world;
  const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };
  const call = (method: string, path: string) => http(world.api, method, path, { headers: admin });

  let master: Knex;
  beforeAll(() => {
    master = knex({ client: 'pg', connection: stack.config.master.url, pool: { min: 0, max: 2 } });
  });
  afterAll(() => master.destroy());

  async function newTenant(name: string): Promise<string> {
    const created = await http(world.api, 'POST', '/org/create', { json: { name }, headers: admin });
    expect(created.status).toBe(202);
    return created.body.id as string;
  }

  it('issues a key once, with no-store, and master keeps only its hash', async () => {
    const tenantId = await newTenant('Keyed Corp');
    const issued = await call('POST', `/org/${tenantId}/api-keys`);

    expect(issued.status).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(issued.body).sort()).toEqual(['createdAt', 'id', 'key', 'prefix']);
    const { id, key, prefix } = issued.body;
    expect(parseApiKey(key)).toEqual({ prefix });

    const rows = await stack.query('SELECT * FROM tenant_api_keys WHERE tenant_id = $1', [tenantId]);
    expect(rows).toEqual([
      {
        id,
        tenant_id: tenantId,
        prefix,
        secret_hash: createHash('sha256').update(key).digest('hex'),
        created_at: new Date(issued.body.createdAt),
        last_used_at: null,
        revoked_at: null,
      },
    ]);
    // Neither the key nor its secret part is anywhere in master's row.
    const secret = (key as string).slice(`tk_${prefix}_`.length);
    expect(JSON.stringify(rows)).not.toContain(secret);

    const listed = await call('GET', `/org/${tenantId}/api-keys`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [{ id, prefix, createdAt: issued.body.createdAt, lastUsedAt: null }] });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('lists the newest first; revoking answers 204, takes it off the list, and a second revoke is 404', async () => {
    const tenantId = await newTenant('Revoking Ltd');
    const first = (await call('POST', `/org/${tenantId}/api-keys`)).body;
    const second = (await call('POST', `/org/${tenantId}/api-keys`)).body;
    const ids = async () => ((await call('GET', `/org/${tenantId}/api-keys`)).body.items as { id: string }[]).map((item) => item.id);
    expect(await ids()).toEqual([second.id, first.id]);

    const revoked = await call('DELETE', `/org/${tenantId}/api-keys/${first.id}`);
    expect(revoked.status).toBe(204);
    expect(revoked.body).toBe('');
    expect(await ids()).toEqual([second.id]);
    const [row] = await stack.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM tenant_api_keys WHERE id = $1', [first.id]);
    expect(row?.revoked_at).toBeInstanceOf(Date);

    const again = await call('DELETE', `/org/${tenantId}/api-keys/${first.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ statusCode: 404, error: 'Not Found', tenantId });
    expect(again.body.message).toContain(first.id);
  });

  it('publishes the revocation on the tenant access channel, so tenant apps drop the key at once', async () => {
    const tenantId = await newTenant('Broadcast Keys');
    const { id } = (await call('POST', `/org/${tenantId}/api-keys`)).body;
    const channel = tenantAccessChannel(stack.config.redis.prefix);
    const subscriber = createRedisClient(stack.config.redis.topology);
    const heard: unknown[] = [];
    try {
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) heard.push(JSON.parse(message));
      });
      await subscriber.subscribe(channel);

      expect((await call('DELETE', `/org/${tenantId}/api-keys/${id}`)).status).toBe(204);
      const [event] = await waitFor('the revocation on the access channel', async () => (heard.length ? heard : undefined), 5000);
      expect(event).toEqual({
        pattern: channel,
        data: { tenantId, change: 'api_key_revoked', apiKeyId: id, at: expect.any(String) },
      });
    } finally {
      subscriber.disconnect();
    }
  });

  it('gives tenant apps what they authenticate with: the active key by its prefix, and its last use', async () => {
    const tenantId = await newTenant('Routed Keys');
    const { id, key } = (await call('POST', `/org/${tenantId}/api-keys`)).body;
    const repository = new ApiKeyRepository(master);

    const found = await repository.findActiveByPrefix(parseApiKey(key)!.prefix);
    expect(found).toMatchObject({ id, tenantId, lastUsedAt: null, revokedAt: null });
    expect(apiKeyMatches(key, found!.secretHash)).toBe(true);
    expect(await repository.countActive(tenantId)).toBe(1);

    await repository.touchLastUsed(id);
    const [item] = (await call('GET', `/org/${tenantId}/api-keys`)).body.items;
    expect(new Date(item.lastUsedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    await call('DELETE', `/org/${tenantId}/api-keys/${id}`);
    expect(await repository.findActiveByPrefix(parseApiKey(key)!.prefix)).toBeUndefined();
    expect(await repository.countActive(tenantId)).toBe(0);
  });

  it("does not revoke another tenant's key", async () => {
    const owner = await newTenant('Owner Co');
    const intruder = await newTenant('Intruder Co');
    const { id } = (await call('POST', `/org/${owner}/api-keys`)).body;

    expect((await call('DELETE', `/org/${intruder}/api-keys/${id}`)).status).toBe(404);
    expect((await call('GET', `/org/${owner}/api-keys`)).body.items).toHaveLength(1);
  });

  it(`holds a tenant to ${MAX_ACTIVE_API_KEYS} active keys, even when they are asked for at once`, async () => {
    const tenantId = await newTenant('Many Keys Inc');
    const answers = await Promise.all(
      Array.from({ length: MAX_ACTIVE_API_KEYS + 5 }, () => call('POST', `/org/${tenantId}/api-keys`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(MAX_ACTIVE_API_KEYS);
    expect(statuses.filter((status) => status === 409)).toHaveLength(5);
    const refused = answers.find((answer) => answer.status === 409)!;
    expect(refused.body).toMatchObject({ statusCode: 409, error: 'Conflict', tenantId });
    expect(refused.body.message).toMatch(/revoke one/);
    expect((await call('GET', `/org/${tenantId}/api-keys`)).body.items).toHaveLength(MAX_ACTIVE_API_KEYS);

    const { id } = answers.find((answer) => answer.status === 201)!.body;
    expect((await call('DELETE', `/org/${tenantId}/api-keys/${id}`)).status).toBe(204);
    expect((await call('POST', `/org/${tenantId}/api-keys`)).status).toBe(201);
    expect((await call('POST', `/org/${tenantId}/api-keys`)).status).toBe(409);
  });

  it('answers 404 for an unknown tenant on every route', async () => {
    const unknown = randomUUID();
    for (const [method, path] of [
      ['POST', `/org/${unknown}/api-keys`],
      ['GET', `/org/${unknown}/api-keys`],
      ['DELETE', `/org/${unknown}/api-keys/${randomUUID()}`],
    ] as const) {
      const answer = await call(method, path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ statusCode: 404, error: 'Not Found', tenantId: unknown });
    }
    expect(await stack.query('SELECT id FROM tenant_api_keys WHERE tenant_id = $1', [unknown])).toEqual([]);
  });

  it('answers 400 for a malformed tenant or key id', async () => {
    const tenantId = await newTenant('Malformed Ids');
    for (const [method, path] of [
      ['POST', '/org/not-a-uuid/api-keys'],
      ['GET', '/org/not-a-uuid/api-keys'],
      ['DELETE', `/org/not-a-uuid/api-keys/${randomUUID()}`],
      ['DELETE', `/org/${tenantId}/api-keys/not-a-uuid`],
      ['DELETE', `/org/${tenantId}/api-keys/${randomUUID()}x`],
    ] as const) {
      const answer = await call(method, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
  });

  it('needs the admin key on every route', async () => {
    const tenantId = await newTenant('Guarded Keys');
    const { id } = (await call('POST', `/org/${tenantId}/api-keys`)).body;
    for (const [method, path] of [
      ['POST', `/org/${tenantId}/api-keys`],
      ['GET', `/org/${tenantId}/api-keys`],
      ['DELETE', `/org/${tenantId}/api-keys/${id}`],
    ] as const) {
      for (const headers of [{}, { authorization: 'Bearer wrong-key-wrong-key' }] as Record<string, string>[]) {
        const answer = await http(world.api, method, path, { headers });
        expect({ path, status: answer.status }).toEqual({ path, status: 401 });
        expect(JSON.stringify(answer.body)).not.toMatch(/tk_/);
      }
    }
    expect(await stack.query('SELECT id FROM tenant_api_keys WHERE tenant_id = $1 AND revoked_at IS NULL', [tenantId])).toHaveLength(
      1,
    );
  });
});
