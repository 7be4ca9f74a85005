import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  ApiKeyRepository,
  DatabaseServerDirectory,
  DatabaseServerRepository,
  MasterDatabaseModule,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
} from '@app/tenancy';
import { ClsModule } from 'nestjs-cls';
import { TenantDb } from './connections/tenant-db';
import { TenantPools } from './connections/tenant-pools';
import { ApiKeyVerifier } from './credentials/api-key-verifier';
import { TenantCallerAuthenticator } from './credentials/tenant-caller.authenticator';
import { TenantJwtVerifier } from './credentials/tenant-jwt-verifier';
import { TenantDirectory } from './directory/tenant-directory';
import { TenantChangeListener } from './events/tenant-change.listener';
import { TenantGuard } from './resolution/tenant.guard';

/**
 * A context per request and nothing else: no proxy providers to resolve, no plugins, no request
 * or reply kept in it (each costs every request some CPU; see docs/performance.md, Routing).
 */
const CLS_MIDDLEWARE = { mount: true, resolveProxyProviders: false, initializePlugins: false, saveReq: false, saveRes: false };

/**
 * Routes each request of a Nest app to its tenant's database. Needs the app's configuration
 * (TenancyConfigModule.forRoot) and reads master; holds no provisioner credentials and none of
 * the worker's machinery. Every route is a tenant route unless marked @NoTenant().
 */
@Module({})
export class TenantRoutingModule {
  static forRoot(): DynamicModule {
    return {
      module: TenantRoutingModule,
      imports: [ClsModule.forRoot({ global: true, middleware: CLS_MIDDLEWARE }), MasterDatabaseModule],
      providers: [
        TenantRepository,
        ApiKeyRepository,
        TenantSecretCipher,
        DatabaseServerRepository,
        DatabaseServerDirectory,
        TenantRoleLogin,
        TenantDirectory,
        TenantPools,
        TenantDb,
        ApiKeyVerifier,
        TenantJwtVerifier,
        TenantCallerAuthenticator,
        TenantChangeListener,
        { provide: APP_GUARD, useClass: TenantGuard },
      ],
      exports: [TenantDb, TenantPools],
    };
  }
}
