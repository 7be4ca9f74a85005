import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BuildSnapshot } from '../../support/processes/build-snapshot';
import { freePort } from '../../support/processes/free-port';
import { ServiceGroup } from '../../support/processes/service-group';
import { PrivatePostgres } from './private-postgres';
import { PrivateRedis } from './private-redis';

const REPO = path.resolve(__dirname, '../../..');

/**
 * Everything the scenarios share: a temp directory, a snapshot of the build, a private
 * PostgreSQL cluster and a private Redis. `cleanup()` removes all of it.
 */
export class ChaosLab {
  readonly root = mkdtempSync(path.join(tmpdir(), 'chaos-'));
  readonly logDir = path.join(this.root, 'logs');
  readonly build = new BuildSnapshot(path.join(this.root, 'app'));
  /** Every api and worker process of every scenario. */
  readonly services = new ServiceGroup();
  pg!: PrivatePostgres;
  redis!: PrivateRedis;
  /** Further clusters some scenarios need (a move's target), stopped with the rest. */
  private readonly clusters: PrivatePostgres[] = [];
  private failed = false;

  async start(): Promise<void> {
    chmodSync(this.root, 0o755); // the postgres user must reach its directory inside
    mkdirSync(this.logDir);
    this.build.take();
    this.pg = new PrivatePostgres(path.join(this.root, 'pg'), await freePort());
    this.redis = new PrivateRedis(await freePort(), path.join(this.logDir, 'redis.log'));
    await this.pg.init();
    await this.pg.start();
    await this.redis.start();
  }

  /** Another private PostgreSQL cluster, started now and stopped at cleanup. */
  async startCluster(name: string): Promise<PrivatePostgres> {
    const cluster = new PrivatePostgres(path.join(this.root, name), await freePort());
    this.clusters.push(cluster);
    await cluster.init();
    await cluster.start();
    return cluster;
  }

  /** Logs are copied into the repository when a scenario failed, since the temp dir goes away. */
  markFailed(): void {
    this.failed = true;
  }

  async cleanup(): Promise<string | undefined> {
    await this.services.stopAll();
    await this.redis?.stop();
    await this.pg?.stop('fast').catch(() => this.pg.kill9());
    for (const cluster of this.clusters) await cluster.stop('fast').catch(() => cluster.kill9());
    try {
      if (!this.failed) return undefined;
      const keptLogs = path.join(REPO, 'test/chaos/logs', new Date().toISOString().replace(/[:.]/g, '-'));
      cpSync(this.logDir, keptLogs, { recursive: true });
      if (this.pg && existsSync(this.pg.logFile)) cpSync(this.pg.logFile, path.join(keptLogs, 'postgres.log'));
      for (const cluster of this.clusters.filter((each) => existsSync(each.logFile))) {
        cpSync(cluster.logFile, path.join(keptLogs, `postgres-${path.basename(path.dirname(cluster.logFile))}.log`));
      }
      return keptLogs;
    } finally {
      rmSync(this.root, { recursive: true, force: true });
    }
  }
}
