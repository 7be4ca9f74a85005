import { AddDatabaseServer } from './add-database-server.use-case';
import { ChangeDatabaseServer } from './change-database-server.use-case';
import { DatabaseServerDirectory } from './database-server.directory';
import { DatabaseServerRepository } from './database-server.repository';
import { ListDatabaseServers } from './list-database-servers.use-case';

/** What the api and the CLI need to manage the servers registry (with TenantSecretCipher and the master). */
export const DATABASE_SERVER_PROVIDERS = [
  DatabaseServerRepository,
  DatabaseServerDirectory,
  AddDatabaseServer,
  ChangeDatabaseServer,
  ListDatabaseServers,
];
