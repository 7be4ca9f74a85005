import type { Provider } from '@nestjs/common';
import { BackupFiles } from '../archives/backup-files';
import { PgArchiveTool } from '../archives/pg-archive.tool';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { DeleteTenant } from './delete-tenant.use-case';
import { DrainDatabaseServer } from './drain-database-server.use-case';
import { LifecycleRequests } from './lifecycle-requests';
import { MoveTenant } from './move-tenant.use-case';
import { RestoreTenant } from './restore-tenant.use-case';
import { ResumeTenant } from './resume-tenant.use-case';
import { SuspendTenant } from './suspend-tenant.use-case';
import { TenantMoveRepository } from './tenant-move.repository';

/**
 * What a process needs to accept suspend, resume, delete, restore and move requests and drains (the
 * api, the CLI): the use cases and what they use, beside TenantRepository, the lifecycle queue and
 * DATABASE_SERVER_PROVIDERS.
 */
export const LIFECYCLE_REQUEST_PROVIDERS: Provider[] = [
  TenantLifecycleRepository,
  PgArchiveTool,
  BackupFiles,
  LifecycleRequests,
  SuspendTenant,
  ResumeTenant,
  DeleteTenant,
  RestoreTenant,
  TenantMoveRepository,
  MoveTenant,
  DrainDatabaseServer,
];
