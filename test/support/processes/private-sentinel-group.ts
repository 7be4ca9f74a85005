import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port';
import { RedisServerProcess } from './redis-server-process';
import { pollUntil } from './wait';

const MASTER_NAME = 'tenancy';

/**
 * One master, one replica and three sentinels (quorum 2) on loopback ports, in a temporary
 * directory removed by `stop()`. Sentinels call a master down after a second without answers.
 */
export class PrivateSentinelGroup {
  readonly masterName = MASTER_NAME;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'redis-sentinel-'));
  private readonly dataNodes: RedisServerProcess[] = [];
  private readonly sentinels: RedisServerProcess[] = [];

  /** REDIS_SENTINELS for it. */
  get sentinelAddresses(): string {
    return this.sentinels.map((sentinel) => sentinel.address).join(',');
  }

  async start(): Promise<void> {
    const master = await RedisServerProcess.start(await freePort(), this.dir);
    const replica = await RedisServerProcess.start(await freePort(), this.dir, ['--replicaof', '127.0.0.1', String(master.port)]);
    this.dataNodes.push(master, replica);
    for (let index = 0; index < 3; index += 1) {
      const port = await freePort();
      const config = path.join(this.dir, `sentinel-${port}.conf`);
      writeFileSync(
        config,
        [
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          '',
        ].join('\n'),
      );
      this.sentinels.push(await RedisServerProcess.start(port, this.dir, [config, '--sentinel']));
    }
    const ready = async () => {
      const sentinel = this.firstSentinel;
      const [replicas, peers] = await Promise.all([
        sentinel.command('SENTINEL', 'REPLICAS', MASTER_NAME),
        sentinel.command('SENTINEL', 'SENTINELS', MASTER_NAME),
      ]);
      const synced = String(await replica.command('INFO', 'replication')).includes('master_link_status:up');
      return synced && (replicas as unknown[]).length === 1 && (peers as unknown[]).length === 2;
    };
    if (!(await pollUntil(ready, 20_000))) throw new Error(`the sentinels did not see the group (logs in ${this.dir})`);
  }

  /** The master's port, as the sentinels tell it. */
  async masterPort(): Promise<number> {
    const [, port] = (await this.firstSentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
    return Number(port);
  }

  /** Promotes the replica, as a failed master would have it; resolves once the sentinels name the new master. */
  async failover(): Promise<void> {
    const before = await this.masterPort();
    await this.firstSentinel.command('SENTINEL', 'FAILOVER', MASTER_NAME);
    if (!(await pollUntil(async () => (await this.masterPort()) !== before, 20_000))) {
      throw new Error(`the sentinels did not fail over (logs in ${this.dir})`);
    }
  }

  /** The sentinel asked for the master and told to fail over; any of them would do. */
  private get firstSentinel(): RedisServerProcess {
    const sentinel = this.sentinels[0];
    if (!sentinel) throw new Error('the sentinel group is not started');
    return sentinel;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sentinels, ...this.dataNodes].map((server) => server.kill()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
