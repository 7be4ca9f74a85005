import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import { withDatabase } from '../postgres/connection-url';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DatabaseServerUsage, SERVER_NAME, SERVER_NAME_RULE } from './database-server';
import { serverSecretOwner } from './database-server.directory';
import { DatabaseServerRepository } from './database-server.repository';
import { checkServerLogin } from './server-rights.check';
import { serverUrlProblem } from './server-url';

export interface NewServerRequest {
  name: string;
  /** The provisioner's login on the server: a role with CREATEDB and CREATEROLE. */
  url: string;
  capacity: number;
}

/**
 * Registers a PostgreSQL server for tenant databases, once the provisioner's login on it was
 * tried: it is kept sealed, and its address without credentials is what tenant apps connect to.
 * A superuser login is refused in production, as it could do anything in any tenant's database.
 */
@Injectable()
export class AddDatabaseServer {
  constructor(
    private readonly servers: DatabaseServerRepository,
    private readonly cipher: TenantSecretCipher,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'env'>,
  ) {}

  async execute(request: NewServerRequest): Promise<DatabaseServerUsage> {
    if (!SERVER_NAME.test(request.name)) throw TenantError.serverRejected(request.name, SERVER_NAME_RULE);
    const urlProblem = serverUrlProblem(request.url);
    if (urlProblem) throw TenantError.serverRejected(request.name, `its URL ${urlProblem}`);
    if (await this.servers.find(request.name)) throw TenantError.serverExists(request.name);
    const adminUrl = withDatabase(request.url, 'postgres');
    const login = await checkServerLogin(adminUrl);
    if ('problem' in login) throw TenantError.serverRejected(request.name, login.problem);
    if (login.superuser && this.config.env === 'production') {
      throw TenantError.serverRejected(
        request.name,
        'it logs in as a superuser; give the service a role with only CREATEDB and CREATEROLE',
      );
    }
    return this.servers.add({
      name: request.name,
      address: addressOf(adminUrl),
      adminUrlSealed: this.cipher.encrypt(adminUrl, serverSecretOwner(request.name)),
      capacity: request.capacity,
    });
  }
}

/** `postgres://host:port` and the connection parameters, without credentials or database. */
function addressOf(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.pathname = '';
  return parsed.toString();
}
