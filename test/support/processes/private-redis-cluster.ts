import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { RedisServerProcess } from './redis-server-process';
import { pollUntil } from './wait';

/** A Redis Cluster of masters only, on loopback ports, in a temporary directory removed by `stop()`. */
export class PrivateRedisCluster {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-cluster-'));
  private readonly servers: RedisServerProcess[] = [];

  constructor(private readonly masters = 3) {}

  /** REDIS_CLUSTER_NODES for it. */
  get nodes(): string {
    return this.servers.map((server) => server.address).join(',');
  }

  async start(): Promise<void> {
    for (let index = 0; index < this.masters; index += 1) {
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${index}.conf`, '--cluster-node-timeout', '2000'];
      this.servers.push(await RedisServerProcess.start(await freePort(), this.dir, args));
    }
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...this.servers.map((s) => s.address), '--cluster-yes']);
    const everyNodeOk = async () => {
      const states = await Promise.all(this.servers.map((server) => server.command('CLUSTER', 'INFO')));
      return states.every((info) => String(info).includes('cluster_state:ok'));
    };
    if (!(await pollUntil(everyNodeOk, 20_000))) throw new Error(`the cluster did not come up (logs in ${this.dir})`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
