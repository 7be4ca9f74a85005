// PostgreSQL and Redis for `npm run dev` (scripts/dev.mjs). Servers started here run in their own
// process group, so that Ctrl-C in the terminal reaches only the apps; dev.mjs stops the servers after
// them with the stop function each start function returns.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** host and port of a URL, with the scheme's default port when it names none. */
export function address(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort) };
}

export const isLocal = ({ host }) => ['localhost', '127.0.0.1', '::1'].includes(host);

/** Whether something accepts TCP connections on host:port. */
export function answers({ host, port }, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    const done = (ok) => () => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', done(true)).once('error', done(false)).once('timeout', done(false));
  });
}

export function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Writes output line by line, prefixed like concurrently's `[api]`. */
export const logTo = (name) => (chunk) => {
  for (const line of String(chunk).split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
};

/** The stop function of `child` (spawned detached) once `ready` resolves true; else stops it and throws. */
async function supervise(child, ready, failure) {
  const exited = once(child, 'exit');
  process.on('exit', () => child.kill()); // should dev.mjs end without stopping it
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  if (!(await Promise.race([ready, exited.then(() => false)]))) {
    await stop();
    throw new Error(failure);
  }
  return stop;
}

export async function startPostgres(url, dataDir) {
  const script = path.join(import.meta.dirname, 'dev-postgres.mjs');
  const child = spawn(process.execPath, [script, url, dataDir], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = once(child, 'message').then(() => true);
  return supervise(child, ready, 'the embedded PostgreSQL did not start; see the [postgres] lines above');
}

export async function startRedis(url, dataDir) {
  const { password } = new URL(url);
  const target = address(url, 6379);
  mkdirSync(dataDir, { recursive: true });
  // -::1: also on IPv6 loopback when the machine has one, for URLs naming localhost or [::1].
  const args = ['--port', String(target.port), '--bind', '127.0.0.1', '-::1', '--dir', dataDir, '--save', '', '--appendonly', 'no'];
  if (password) args.push('--requirepass', decodeURIComponent(password));
  const redis = spawn('redis-server', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await once(redis, 'spawn');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    throw new Error(
      `Redis does not answer on ${target.host}:${target.port} and there is no redis-server on PATH. Get one with\n` +
        '  sudo apt-get install redis-server   (Debian/Ubuntu)\n' +
        '  brew install redis                  (macOS)\n' +
        `  or run one in Docker: docker run -d --name dev-redis -p 127.0.0.1:${target.port}:6379 redis:7`,
    );
  }
  redis.stdout.on('data', logTo('redis'));
  redis.stderr.on('data', logTo('redis'));
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (redis.exitCode === null && Date.now() < deadline) {
      if (await answers(target)) return true;
      await sleep(100);
    }
    return false;
  })();
  return supervise(redis, ready, `redis-server did not start on port ${target.port}; see the [redis] lines above`);
}
