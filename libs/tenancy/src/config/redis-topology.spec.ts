import { loadConfig } from './app-config';
import { readRedisTopology, RedisVariables } from './redis-topology';

function problemsOf(variables: RedisVariables): string[] {
  const read = readRedisTopology(variables);
  return 'problems' in read ? read.problems.map(({ variable, message }) => `${variable}: ${message}`) : [];
}

function topologyOf(variables: RedisVariables) {
  const read = readRedisTopology(variables);
  if ('problems' in read) throw new Error(read.problems.map((problem) => problem.message).join('; '));
  return read.topology;
}

describe('readRedisTopology', () => {
  it('reaches one local server when nothing is set', () => {
    expect(topologyOf({})).toEqual({ mode: 'server', url: 'redis://127.0.0.1:6379' });
  });

  it('reads a Sentinel group from a redis+sentinel:// URL, with credentials, master name and db', () => {
    expect(topologyOf({ REDIS_URL: 'redis+sentinel://app:p%40ss@s1:26379,s2:26380,[::1]:26381/main-group/2' })).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'main-group',
      db: 2,
      username: 'app',
      password: 'p@ss',
      sentinelPassword: undefined,
    });
  });

  it('reads a Sentinel group from REDIS_SENTINELS and REDIS_SENTINEL_NAME, with both passwords', () => {
    expect(
      topologyOf({
        REDIS_SENTINELS: 's1:26379, s2:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_PASSWORD: 'data-secret',
        REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      }),
    ).toMatchObject({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      masterName: 'mymaster',
      db: 0,
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
  });

  it('reads a Cluster from REDIS_CLUSTER_NODES', () => {
    expect(topologyOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000', REDIS_PASSWORD: 'pw' })).toEqual({
      mode: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
      password: 'pw',
    });
  });

  it.each([
    ['redis+sentinel://s1:26379', /REDIS_URL: must be redis\+sentinel:\/\/.*<master name>/],
    ['redis+sentinel://s1:26379,s2/mymaster', /REDIS_URL: .*each sentinel as host:port/],
    ['redis+sentinel://s1:26379/mymaster/db1', /REDIS_URL: must be redis\+sentinel/],
    ['http://127.0.0.1:6379', /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('refuses REDIS_URL %s', (url, message) => {
    expect(problemsOf({ REDIS_URL: url })).toEqual([expect.stringMatching(message)]);
  });

  it('refuses two ways of naming Redis at once, naming each and what to do', () => {
    expect(problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'c1:7000' })).toEqual([
      expect.stringMatching(/^REDIS_URL: conflicts .*REDIS_URL .*, REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES/),
      expect.stringMatching(/^REDIS_CLUSTER_NODES: conflicts/),
    ]);
    expect(problemsOf({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'c1:7000' })).toHaveLength(2);
  });

  it.each<[RedisVariables, RegExp]>([
    [{ REDIS_SENTINELS: 's1:26379' }, /^REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, /^REDIS_SENTINEL_NAME: is used only with REDIS_SENTINELS/],
    [{ REDIS_URL: 'redis+sentinel://s1:26379/m', REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINEL_NAME: .*carry the name/],
    [{ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'pw' }, /^REDIS_PASSWORD: .*put the password in REDIS_URL/],
    [{ REDIS_URL: 'redis://r:6379', REDIS_SENTINEL_PASSWORD: 'pw' }, /^REDIS_SENTINEL_PASSWORD: is used only with a Sentinel/],
    [{ REDIS_CLUSTER_NODES: 'c1:7000', REDIS_SENTINEL_NAME: 'm' }, /^REDIS_SENTINEL_NAME: is for a Sentinel group, not a Cluster/],
    [{ REDIS_CLUSTER_NODES: 'c1:7000,c2' }, /^REDIS_CLUSTER_NODES: must be host:port pairs/],
  ])('refuses %j', (variables, message) => {
    expect(problemsOf(variables)).toEqual([expect.stringMatching(message)]);
  });

  it('never repeats a password in a message', () => {
    const messages = [
      ...problemsOf({ REDIS_URL: 'redis+sentinel://u:hunter2-secret@s1:26379' }),
      ...problemsOf({ REDIS_URL: 'redis://:hunter2-secret@r:6379', REDIS_CLUSTER_NODES: 'c:1' }),
      ...problemsOf({ REDIS_URL: 'redis://r:6379', REDIS_PASSWORD: 'hunter2-secret' }),
    ].join('\n');
    expect(messages).not.toContain('hunter2');
  });
});

describe('the redis configuration group', () => {
  it('hash-tags BullMQ’s prefix on a Cluster only; channels and other keys keep QUEUE_PREFIX', () => {
    expect(loadConfig({ QUEUE_PREFIX: 'acme' }).redis).toMatchObject({ prefix: 'acme', queuePrefix: 'acme' });
    expect(loadConfig({ QUEUE_PREFIX: 'acme', REDIS_CLUSTER_NODES: 'c1:7000' }).redis).toMatchObject({
      prefix: 'acme',
      queuePrefix: '{acme}',
    });
  });

  it('reports a malformed Redis variable together with the other bad variables', () => {
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'c1', PORT: 'eighty' })).toThrow(
      /REDIS_CLUSTER_NODES: must be host:port pairs[\s\S]*PORT:|PORT:[\s\S]*REDIS_CLUSTER_NODES: must be host:port pairs/,
    );
  });
});
