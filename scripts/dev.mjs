// `npm run dev`: the api, the worker and tenant-api in watch mode (restarted on source change), on the
// configured PostgreSQL and Redis, or on private ones started here, with their data under .data/, when
// nothing answers on the configured port. Ctrl-C stops the apps first, then the servers started here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import concurrently from 'concurrently';
import { address, answers, isLocal, redact, startPostgres, startRedis } from './dev-services.mjs';

process.chdir(path.resolve(import.meta.dirname, '..'));
if (existsSync('.env')) process.loadEnvFile('.env'); // as the apps do; variables already set win
const env = process.env;
// The defaults of libs/tenancy/src/config/app-config.ts, set explicitly so the apps use what was checked.
env.DATABASE_URL ||= 'postgres://postgres@127.0.0.1:5432/master';
env.REDIS_URL ||= 'redis://127.0.0.1:6379';
env.NODE_ENV ||= 'development';
env.PATH = `${path.resolve('node_modules/.bin')}${path.delimiter}${env.PATH}`; // for `nest`, also without npm run

const stops = []; // of the servers started here
let apps; // the concurrently run, once started
let signalled = false;
let exiting = false;

async function exit(code) {
  if (exiting) return;
  exiting = true;
  for (const stop of stops.reverse()) await stop().catch((error) => console.error(`dev: ${error.message}`));
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Once the apps run, concurrently passes the signal on to them and main() goes on when they are down.
  process.on(signal, () => {
    signalled = true;
    if (!apps) void exit(1);
  });
}

// `npm run` passes SIGTERM on to its `sh -c`, which dies without passing it on to us: notice being orphaned.
const parent = process.ppid;
const orphanCheck = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanCheck);
  process.kill(process.pid, 'SIGTERM');
}, 1000).unref();

async function ensure(name, url, defaultPort, dataDir, label, start) {
  const target = address(url, defaultPort);
  if (await answers(target)) return `${redact(url)} (existing server)`;
  if (!isLocal(target)) throw new Error(`${name} does not answer at ${redact(url)}, which is not on this machine`);
  stops.push(await start(url, path.resolve(dataDir)));
  return `${redact(url)} (${label} started here, data in ${dataDir}/)`;
}

async function main() {
  const postgres = await ensure('PostgreSQL', env.DATABASE_URL, 5432, '.data/postgres', 'embedded PostgreSQL', startPostgres);
  const redis = await ensure('Redis', env.REDIS_URL, 6379, '.data/redis', 'redis-server', startRedis);
  console.log(`dev: PostgreSQL ${postgres} | Redis ${redis}`);

  apps = concurrently(
    ['api', 'worker', 'tenant-api'].map((name) => ({
      name,
      // The api's console assets are copied next to its own output, which nest-cli.json's build does not know.
      command: `nest start ${name} --watch --preserveWatchOutput --path scripts/tsconfig.dev-${name}.json${name === 'api' ? ' --config scripts/nest-cli.dev-api.json' : ''}`,
    })),
    { prefix: 'name', prefixColors: ['cyan', 'magenta', 'yellow'] },
  );
  // A watcher ending by itself ends the session rather than leaving half of it running. (Not concurrently's
  // killOthersOn, which on Ctrl-C also fires for whichever app stops first.)
  for (const app of apps.commands) app.close.subscribe(() => signalled || apps.commands.forEach((other) => other.kill()));
  const succeeded = await apps.result.then(
    () => true,
    () => false,
  );
  await exit(succeeded || signalled ? 0 : 1);
}

main().catch((error) => {
  if (!signalled) console.error(`dev: ${error.message}`);
  void exit(1);
});
