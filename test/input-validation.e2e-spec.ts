import { http } from './support/http';
import { createOrg } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

describe('bad input gets a 4xx that says what is wrong', () => {
  const world = useRunningStack({}, 0);
  const { stack } = world;

  const create = (options: Parameters<typeof http>[3]) => http(world.api, 'POST', '/org/create', options);

  it.each([
    ['a missing name', { json: {} }, /name is required/],
    ['an empty name', { json: { name: '' } }, /must not be empty/],
    ['a whitespace-only name', { json: { name: ' \t\n ' } }, /must not be empty/],
    ['a number', { json: { name: 42 } }, /must be a string/],
    ['null', { json: { name: null } }, /must be a string/],
    ['an object', { json: { name: { first: 'a' } } }, /must be a string/],
    ['101 characters', { json: { name: 'n'.repeat(101) } }, /at most 100/],
    ['no letter or digit', { json: { name: '!!! ---' } }, /letter or digit/],
    ['an unknown field', { json: { name: 'Fine', plan: 'pro' } }, /Unrecognized key.*plan/],
    ['an array body', { json: ['AcmeCorp'] }, /JSON object/],
    ['a string body', { json: 'AcmeCorp' }, /JSON object/],
    ['a null body', { body: 'null', headers: { 'content-type': 'application/json' } }, /JSON object/],
    ['broken JSON', { body: '{"name": ', headers: { 'content-type': 'application/json' } }, /not valid JSON/],
    ['an empty JSON body', { body: '', headers: { 'content-type': 'application/json' } }, /cannot be empty/],
  ])('rejects %s with 400', async (_, options, message) => {
    const answer = await create(options);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toMatch(message);
  });

  it('leaves no tenant behind for rejected input', async () => {
    expect(await stack.query('SELECT id FROM tenants')).toEqual([]);
  });

  it('answers 409 with the existing id for the same name, a case variant or a punctuation variant', async () => {
    const first = await createOrg(world.api, 'Umbrella Corp');
    for (const name of ['Umbrella Corp', 'UMBRELLA CORP', 'umbrella-corp', ' Umbrella...Corp! ']) {
      const answer = await create({ json: { name } });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ existingTenantId: first.id });
    }
    expect(await stack.query('SELECT id FROM tenants')).toHaveLength(1);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    for (const path of ['/org/not-a-uuid', '/org/not-a-uuid/status', '/org/123/events']) {
      expect((await http(world.api, 'GET', path)).status).toBe(400);
    }
    expect((await http(world.api, 'POST', '/org/xyz/retry')).status).toBe(400);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const path of [`/org/${unknown}`, `/org/${unknown}/status`, `/org/${unknown}/events`]) {
      expect((await http(world.api, 'GET', path)).status).toBe(404);
    }
    expect((await http(world.api, 'POST', `/org/${unknown}/retry`)).status).toBe(404);
  });

  it('rejects bad list queries', async () => {
    expect((await http(world.api, 'GET', '/org?status=done')).body.message.join()).toMatch(/status must be one of/);
    expect((await http(world.api, 'GET', '/org?limit=1000')).status).toBe(400);
    expect((await http(world.api, 'GET', '/org?after=abc')).status).toBe(400);
    expect((await http(world.api, 'GET', '/org?sort=name')).status).toBe(400);
  });

  it('answers 409 when retrying a tenant that has not failed', async () => {
    const created = await createOrg(world.api, 'Not Failed Inc');
    const answer = await http(world.api, 'POST', `/org/${created.id}/retry`);
    expect(answer.status).toBe(409);
    expect(answer.body.message).toMatch(/only a failed tenant can be retried/);
  });
});
