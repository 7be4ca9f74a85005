import Redis, { Cluster, RedisOptions } from 'ioredis';
import type { RedisTopology } from '../config/redis-topology';
import { redisOptionsFromUrl } from './redis-options';

/** A connection to the configured Redis, whichever its topology. */
export type RedisClient = Redis | Cluster;

/** How a connection behaves while Redis is away, chosen by what the connection is for. */
export type RedisTuning = Pick<
  RedisOptions,
  'maxRetriesPerRequest' | 'retryStrategy' | 'lazyConnect' | 'keyPrefix' | 'enableOfflineQueue'
>;

/** A Sentinel failover demotes the master a client is on; its writes then fail with READONLY. */
const RECONNECT_AND_RESEND = 2;

/** A client of the configured Redis: `Redis` for one server or a Sentinel group, `Cluster` for a Cluster. */
export function createRedisClient(topology: RedisTopology, tuning: RedisTuning = {}): RedisClient {
  switch (topology.mode) {
    case 'server':
      return new Redis({ ...redisOptionsFromUrl(topology.url), ...tuning });
    case 'sentinel':
      return new Redis({
        sentinels: topology.sentinels,
        name: topology.masterName,
        db: topology.db,
        username: topology.username,
        password: topology.password,
        sentinelPassword: topology.sentinelPassword,
        reconnectOnError: (error) => (error.message.startsWith('READONLY') ? RECONNECT_AND_RESEND : false),
        ...tuning,
      });
    case 'cluster': {
      const { retryStrategy, lazyConnect, keyPrefix, enableOfflineQueue, ...perNode } = tuning;
      return new Cluster(topology.nodes, {
        // Nodes reconnect as the cluster decides; the strategy applies to reaching the cluster at all.
        clusterRetryStrategy: retryStrategy,
        lazyConnect,
        keyPrefix,
        enableOfflineQueue,
        redisOptions: { username: topology.username, password: topology.password, ...perNode },
      });
    }
  }
}

/** Where a client connects, for logs: hosts and names, never credentials. */
export function describeRedisTopology(topology: RedisTopology): string {
  switch (topology.mode) {
    case 'server': {
      const url = new URL(topology.url);
      return `${url.protocol}//${url.host}${url.pathname}`;
    }
    case 'sentinel':
      return `sentinel master ${topology.masterName} via ${topology.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}`;
    case 'cluster':
      return `cluster of ${topology.nodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
  }
}
