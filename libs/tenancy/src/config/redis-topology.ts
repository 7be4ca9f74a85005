export interface RedisNode {
  host: string;
  port: number;
}

/** The credentials of the Redis servers holding data (never of the sentinels). */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** How the services reach Redis: one server, a Sentinel group, or a Cluster. */
export type RedisTopology =
  | { mode: 'server'; url: string }
  | ({ mode: 'sentinel'; sentinels: RedisNode[]; masterName: string; db: number; sentinelPassword?: string } & RedisCredentials)
  | ({ mode: 'cluster'; nodes: RedisNode[] } & RedisCredentials);

/** The variables the topology is read from, as given (unset or empty: undefined). */
export interface RedisVariables {
  REDIS_URL?: string;
  REDIS_PASSWORD?: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_CLUSTER_NODES?: string;
}

export interface RedisVariableProblem {
  variable: keyof RedisVariables;
  message: string;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const SENTINEL_SCHEME = 'redis+sentinel:';

const SENTINEL_URL_FORM = 'redis+sentinel://[user:password@]host:port[,host:port…]/<master name>[/<db>]';
const ONE_MODE =
  'name one Redis: REDIS_URL (a server or redis+sentinel://…), REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES';

/** Reads the topology, or every problem with the variables; messages never repeat a value (it may hold a password). */
export function readRedisTopology(variables: RedisVariables): { topology: RedisTopology } | { problems: RedisVariableProblem[] } {
  const problems: RedisVariableProblem[] = [];
  const problem = (variable: keyof RedisVariables, message: string) => problems.push({ variable, message });
  const { REDIS_URL, REDIS_PASSWORD, REDIS_SENTINELS, REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD, REDIS_CLUSTER_NODES } = variables;
  const modesNamed = [REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES].filter((value) => value !== undefined).length;
  if (modesNamed > 1) {
    for (const variable of ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const) {
      if (variables[variable] !== undefined) problem(variable, `conflicts with another Redis setting: ${ONE_MODE}, not several`);
    }
    return { problems };
  }

  if (REDIS_CLUSTER_NODES !== undefined) {
    for (const variable of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
      if (variables[variable] !== undefined) problem(variable, 'is for a Sentinel group, not a Cluster: unset it');
    }
    const nodes = parseNodes(REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES', problem);
    return problems.length ? { problems } : { topology: { mode: 'cluster', nodes, password: REDIS_PASSWORD } };
  }

  if (REDIS_SENTINELS !== undefined) {
    if (REDIS_SENTINEL_NAME === undefined) {
      problem('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS: the master name the sentinels monitor');
    }
    const sentinels = parseNodes(REDIS_SENTINELS, 'REDIS_SENTINELS', problem);
    if (problems.length) return { problems };
    return {
      topology: {
        mode: 'sentinel',
        sentinels,
        masterName: REDIS_SENTINEL_NAME!,
        db: 0,
        password: REDIS_PASSWORD,
        sentinelPassword: REDIS_SENTINEL_PASSWORD,
      },
    };
  }

  if (REDIS_SENTINEL_NAME !== undefined) {
    problem('REDIS_SENTINEL_NAME', 'is used only with REDIS_SENTINELS (redis+sentinel:// URLs carry the name): set both or neither');
  }
  if (REDIS_PASSWORD !== undefined) {
    problem('REDIS_PASSWORD', 'is for REDIS_SENTINELS and REDIS_CLUSTER_NODES: put the password in REDIS_URL instead');
  }
  const url = REDIS_URL ?? DEFAULT_REDIS_URL;
  const urlProblem = redisUrlProblem(url);
  if (urlProblem) problem('REDIS_URL', urlProblem);
  if (url.startsWith(SENTINEL_SCHEME)) {
    const group = parseSentinelUrl(url);
    if (typeof group !== 'string' && !problems.length) {
      return { topology: { ...group, sentinelPassword: REDIS_SENTINEL_PASSWORD } };
    }
    return { problems };
  }
  if (REDIS_SENTINEL_PASSWORD !== undefined) {
    problem('REDIS_SENTINEL_PASSWORD', 'is used only with a Sentinel group (REDIS_SENTINELS or a redis+sentinel:// REDIS_URL)');
  }
  return problems.length ? { problems } : { topology: { mode: 'server', url } };
}

/** What is wrong with REDIS_URL on its own, if anything. */
export function redisUrlProblem(url: string): string | undefined {
  if (url.startsWith(SENTINEL_SCHEME)) {
    const group = parseSentinelUrl(url);
    return typeof group === 'string' ? group : undefined;
  }
  return isServerUrl(url) ? undefined : `must be a redis:// or rediss:// URL, or ${SENTINEL_URL_FORM}`;
}

/** What is wrong with a list of nodes (REDIS_SENTINELS, REDIS_CLUSTER_NODES) on its own, if anything. */
export function nodeListProblem(list: string): string | undefined {
  return list.split(',').every((entry) => parseNode(entry.trim())) ? undefined : 'must be host:port pairs separated by commas';
}

/** `redis+sentinel://…`: the WHATWG URL parser refuses a list of hosts, so it is taken apart by hand. */
function parseSentinelUrl(url: string): Extract<RedisTopology, { mode: 'sentinel' }> | string {
  const form = `must be ${SENTINEL_URL_FORM}`;
  const match = /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)\/([^/]+)(?:\/(\d+))?\/?$/.exec(url);
  if (!match) return form;
  const [, username, password, hosts, masterName, db] = match;
  const sentinels = hosts!.split(',').map(parseNode);
  if (sentinels.some((node) => node === undefined)) return `${form}: each sentinel as host:port`;
  return {
    mode: 'sentinel',
    sentinels: sentinels as RedisNode[],
    masterName: decodeURIComponent(masterName!),
    db: db ? Number(db) : 0,
    username: username ? decodeURIComponent(username) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
  };
}

function parseNodes(
  list: string,
  variable: keyof RedisVariables,
  problem: (variable: keyof RedisVariables, message: string) => void,
): RedisNode[] {
  const listProblem = nodeListProblem(list);
  if (listProblem) problem(variable, listProblem);
  return list.split(',').flatMap((entry) => parseNode(entry.trim()) ?? []);
}

function parseNode(entry: string): RedisNode | undefined {
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(entry);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

function isServerUrl(url: string): boolean {
  try {
    return /^rediss?:$/.test(new URL(url).protocol);
  } catch {
    return false;
  }
}
