import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port';
import { PrivatePostgres } from './private-postgres';
import { PrivateRedis } from './private-redis';
import type { ServiceProcess } from './service-process';

const REPO = path.resolve(__dirname, '../../..');

/**
 * Everything the scenarios share: a temp directory, a snapshot of the build, a private
 * PostgreSQL cluster and a private Redis. `cleanup()` removes all of it.
 */
export class ChaosLab {
  readonly root = mkdtempSync(path.join(tmpdir(), 'chaos-'));
  readonly logDir = path.join(this.root, 'logs');
  /** Holds dist/ and a node_modules link, so a rebuild of the repo during the run changes nothing. */
  readonly appDir = path.join(this.root, 'app');
  pg!: PrivatePostgres;
  redis!: PrivateRedis;
  private readonly processes = new Set<ServiceProcess>();
  private failed = false;

  script(app: 'api' | 'worker'): string {
    return path.join(this.appDir, 'dist/apps', app, 'src/main.js');
  }

  async start(): Promise<void> {
    chmodSync(this.root, 0o755); // the postgres user must reach its directory inside
    mkdirSync(this.logDir);
    this.snapshotBuild();
    this.pg = new PrivatePostgres(path.join(this.root, 'pg'), await freePort());
    this.redis = new PrivateRedis(await freePort(), path.join(this.logDir, 'redis.log'));
    await this.pg.init();
    await this.pg.start();
    await this.redis.start();
  }

  track(service: ServiceProcess): void {
    this.processes.add(service);
  }

  /** Logs are copied into the repository when a scenario failed, since the temp dir goes away. */
  markFailed(): void {
    this.failed = true;
  }

  async cleanup(): Promise<string | undefined> {
    await Promise.allSettled([...this.processes].map((service) => service.stop()));
    await this.redis?.stop();
    await this.pg?.stop('fast').catch(() => this.pg.kill9());
    try {
      if (!this.failed) return undefined;
      const keptLogs = path.join(REPO, 'test/chaos/logs', new Date().toISOString().replace(/[:.]/g, '-'));
      cpSync(this.logDir, keptLogs, { recursive: true });
      if (this.pg && existsSync(this.pg.logFile)) cpSync(this.pg.logFile, path.join(keptLogs, 'postgres.log'));
      return keptLogs;
    } finally {
      rmSync(this.root, { recursive: true, force: true });
    }
  }

  private snapshotBuild(): void {
    const dist = path.join(REPO, 'dist');
    if (!existsSync(path.join(dist, 'apps/worker/src/main.js'))) throw new Error('no build in dist/: run `npm run build`');
    cpSync(dist, path.join(this.appDir, 'dist'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(this.appDir, 'node_modules'));
  }
}
