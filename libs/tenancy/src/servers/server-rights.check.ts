import { withClient } from '../postgres/with-client';

/** Oldest PostgreSQL the service runs on: `pg_dump`/`pg_restore` of purge and restore need 14. */
const MIN_SERVER_VERSION_NUM = 140000;

export interface ServerLogin {
  superuser: boolean;
  version: string;
}

/**
 * Logs in with the provisioner URL given for a new server and says what is wrong with it, if
 * anything: unreachable, refused, too old, or a role without CREATEDB and CREATEROLE. The caller
 * decides about a superuser.
 */
export async function checkServerLogin(adminUrl: string): Promise<ServerLogin | { problem: string }> {
  try {
    return await withClient(adminUrl, async (client) => {
      const { rows } = await client.query<{
        rolsuper: boolean;
        rolcreatedb: boolean;
        rolcreaterole: boolean;
        num: string;
        version: string;
      }>(
        `SELECT rolsuper, rolcreatedb, rolcreaterole, current_setting('server_version_num') AS num, current_setting('server_version') AS version
           FROM pg_roles WHERE rolname = current_user`,
      );
      const login = rows[0]!;
      if (Number(login.num) < MIN_SERVER_VERSION_NUM) return { problem: `PostgreSQL ${login.version} is older than 14` };
      const missing = [!login.rolcreatedb && 'CREATEDB', !login.rolcreaterole && 'CREATEROLE'].filter(Boolean);
      if (!login.rolsuper && missing.length) return { problem: `the role logging in lacks ${missing.join(' and ')}` };
      return { superuser: login.rolsuper, version: login.version };
    });
  } catch (error) {
    return { problem: `could not log in (${(error as Error).message})` };
  }
}
