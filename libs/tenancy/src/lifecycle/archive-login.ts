import type { ArchiveLogin } from '../archives/pg-archive.tool';
import { withCredentials, withDatabase } from '../postgres/connection-url';

/** pg_dump's or pg_restore's login into `dbName` as the tenant's role; the password travels apart from the URL. */
export function archiveLogin(maintenanceUrl: string, dbName: string, role: string, password: string): ArchiveLogin {
  return { url: withCredentials(withDatabase(maintenanceUrl, dbName), role, ''), password };
}
