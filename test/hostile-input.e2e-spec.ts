import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

const SAFE_DATABASE_NAME = /^[a-z0-9_]{1,63}$/;

describe('hostile input', () => {
  const world = useRunningStack();
  const { stack } = world;

  it.each([
    `Robert'); DROP DATABASE postgres;--`,
    'quote" "double',
    'back\\slash\\',
    'semi;colon;',
    'Emoji 🚀 Rocket',
    'Ünïcödé Çørp',
    'postgres',
    'template1',
    'x'.repeat(100),
  ])('provisions %j into a safe database name', async (name) => {
    const created = await createOrg(world.api, name);
    expect(created.dbName).toMatch(SAFE_DATABASE_NAME);
    expect(created.dbName.startsWith(stack.config.tenants.databasePrefix)).toBe(true);
    expect((await waitForStatus(world.api, created.id, ['ready', 'failed'])).status).toBe('ready');
  });

  it.each([
    ['a NUL byte', 'nul\u0000byte', /NUL/],
    ['only emoji', '🚀🔥', /letter or digit/],
    ['only another script', 'Тест 東京', /letter or digit/],
  ])('rejects %s with 400', async (_, name, message) => {
    const answer = await http(world.api, 'POST', '/org/create', { json: { name } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(message);
  });

  it("rejects a name that maps onto the master database's name", async () => {
    const answer = await http(world.api, 'POST', '/org/create', { json: { name: 'Master' } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/reserved/);
  });

  it('rejects names that differ only in case or punctuation from an existing one', async () => {
    await createOrg(world.api, 'Case Study');
    for (const name of ['CASE STUDY', 'case-study', 'Case...Study!']) {
      expect((await http(world.api, 'POST', '/org/create', { json: { name } })).status).toBe(409);
    }
  });

  it('answers 413 for a body over 16 KB, and reads one just under it', async () => {
    const over = await http(world.api, 'POST', '/org/create', { json: { name: 'a'.repeat(16 * 1024) } });
    expect(over.status).toBe(413);
    const under = await http(world.api, 'POST', '/org/create', { json: { name: 'a'.repeat(16 * 1024 - 20) } });
    expect(under.status).toBe(400);
    expect(JSON.stringify(under.body.message)).toMatch(/at most 100/);
  });

  it.each([
    ['text/plain', 'AcmeCorp'],
    ['application/x-www-form-urlencoded', 'name=AcmeCorp'],
    ['application/xml', '<name>AcmeCorp</name>'],
  ])('answers 415 for %s', async (contentType, body) => {
    const answer = await http(world.api, 'POST', '/org/create', { body, headers: { 'content-type': contentType } });
    expect(answer.status).toBe(415);
  });

  it('answers 400 for deeply nested JSON', async () => {
    const depth = 8000; // just within the 16 KB body limit
    const body = `{"name": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const answer = await http(world.api, 'POST', '/org/create', { body, headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
  });

  it('creates exactly one tenant when the same name is POSTed 20 times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => http(world.api, 'POST', '/org/create', { json: { name: 'Race Condition Ltd' } })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([202, ...Array(19).fill(409)]);
    const winner = answers.find((answer) => answer.status === 202)!.body.id;
    for (const answer of answers.filter((a) => a.status === 409)) expect(answer.body.existingTenantId).toBe(winner);
  });
});

describe('Idempotency-Key', () => {
  const world = useRunningStack({}, 0);

  const post = (name: string, key: string) =>
    http(world.api, 'POST', '/org/create', { json: { name }, headers: { 'idempotency-key': key } });

  it('returns the same tenant and job with the same status code for a retried POST', async () => {
    const first = await post('Idempotent Inc', 'key-1');
    const again = await post('Idempotent Inc', 'key-1');
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: first.body.id, jobId: first.body.jobId, dbName: first.body.dbName });
  });

  it('returns one tenant to many concurrent POSTs with the same key', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('Concurrent Keys', 'key-2')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
  });

  it('answers 422 when a key is reused for a different tenant, and 400 for a malformed key', async () => {
    await post('First Use', 'key-3');
    const reused = await post('Second Use', 'key-3');
    expect(reused.status).toBe(422);
    expect(reused.body.message).toMatch(/different request/);
    expect((await post('Bad Key', 'has space')).status).toBe(400);
  });
});
