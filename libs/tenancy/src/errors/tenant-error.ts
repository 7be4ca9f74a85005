/**
 * Every way a tenant operation can be refused. An app maps each code to its own answer (HTTP
 * status, exit code) in one exhaustive switch, so a code added here without a mapping does not
 * compile.
 */
export type TenantErrorCode =
  | 'tenant_not_found'
  | 'name_rejected'
  | 'slug_taken'
  | 'idempotency_key_reused'
  | 'not_failed'
  | 'not_ready'
  | 'busy'
  | 'queue_unavailable'
  | 'foreign_database_object'
  | 'credentials_rejected'
  | 'api_key_not_found'
  | 'api_key_limit'
  | 'rollout_not_found'
  | 'rollout_rejected'
  | 'rollout_conflict'
  | 'wrong_status'
  | 'operation_in_progress'
  | 'backup_not_found'
  | 'backup_invalid'
  | 'server_not_found'
  | 'server_exists'
  | 'server_rejected'
  | 'server_unavailable'
  | 'no_server_capacity'
  | 'no_room_to_restore';

/** Facts an answer may carry besides the message (the tenant a conflict is with, say). */
export type TenantErrorDetails = {
  tenantId?: string;
  existingTenantId?: string;
  status?: string;
  operation?: string;
  server?: string;
};

export class TenantError extends Error {
  constructor(
    readonly code: TenantErrorCode,
    message: string,
    readonly details: TenantErrorDetails = {},
  ) {
    super(message);
    this.name = 'TenantError';
  }

  static notFound(tenantId: string): TenantError {
    return new TenantError('tenant_not_found', `no tenant with id ${tenantId}`, { tenantId });
  }

  /** For a tenant named by an operator, by id or by slug. */
  static unknownReference(reference: string): TenantError {
    return new TenantError('tenant_not_found', `no tenant with id or slug "${reference}"`);
  }

  static nameRejected(reason: string): TenantError {
    return new TenantError('name_rejected', reason);
  }

  static slugTaken(slug: string, existingTenantId: string): TenantError {
    return new TenantError('slug_taken', `a tenant whose name maps to "${slug}" already exists`, { existingTenantId });
  }

  static idempotencyKeyReused(): TenantError {
    return new TenantError('idempotency_key_reused', 'this Idempotency-Key was already used with a different request');
  }

  static notFailed(tenantId: string, status: string): TenantError {
    return new TenantError('not_failed', `tenant is ${status}; only a failed tenant can be retried`, { tenantId });
  }

  static notReady(tenantId: string, status: string): TenantError {
    return new TenantError('not_ready', `tenant is ${status}; credentials exist once it is ready`, { tenantId });
  }

  /** Another process holds the tenant's lock; come back shortly. */
  static busy(tenantId: string): TenantError {
    return new TenantError('busy', `tenant ${tenantId} is being worked on by another process; try again shortly`, { tenantId });
  }

  /** The tenant is recorded; the reconciler queues it once the queue answers again. */
  static queueUnavailable(tenantId: string): TenantError {
    return new TenantError(
      'queue_unavailable',
      'the job queue (Redis) is unavailable; the tenant is recorded and will be provisioned automatically once it is back',
      { tenantId },
    );
  }

  /** A database or role with the tenant's name that the service did not make for this tenant: left untouched. */
  static foreignDatabaseObject(kind: 'database' | 'role', name: string, reason: string): TenantError {
    return new TenantError(
      'foreign_database_object',
      `${kind} "${name}" ${reason}; it was left untouched. Rename or drop it (after checking whose it is), then retry the tenant`,
    );
  }

  /** The tenant's role no longer accepts the password kept for it (changed from inside, say). */
  static credentialsRejected(tenantId: string, reason: string): TenantError {
    return new TenantError('credentials_rejected', reason, { tenantId });
  }

  /** No active key with this id for this tenant (never issued, another tenant's, or already revoked). */
  static apiKeyNotFound(tenantId: string, apiKeyId: string): TenantError {
    return new TenantError('api_key_not_found', `tenant ${tenantId} has no active API key with id ${apiKeyId}`, { tenantId });
  }

  static apiKeyLimit(tenantId: string, maxActive: number): TenantError {
    return new TenantError(
      'api_key_limit',
      `tenant ${tenantId} already has ${maxActive} active API keys, the most it may have; revoke one first`,
      { tenantId },
    );
  }

  /** A lifecycle request the tenant's status does not allow (suspending a pending tenant, deleting a deleted one). */
  static wrongStatus(tenantId: string, status: string, refusal: string): TenantError {
    return new TenantError('wrong_status', `tenant is ${status}; ${refusal}`, { tenantId, status });
  }

  /** One lifecycle operation at a time per tenant: the one recorded must finish first. */
  static operationInProgress(tenantId: string, operation: string): TenantError {
    return new TenantError('operation_in_progress', `tenant ${tenantId} has a ${operation} in progress; try again once it is done`, {
      tenantId,
      operation,
    });
  }

  /** No archive where a restore was told to look, or the tenant has none recorded. */
  static backupNotFound(tenantId: string, reason: string): TenantError {
    return new TenantError('backup_not_found', reason, { tenantId });
  }

  /** An archive a restore cannot use: outside BACKUP_DIR, unreadable, not a pg_dump archive, or not the one recorded. */
  static backupInvalid(tenantId: string, reason: string): TenantError {
    return new TenantError('backup_invalid', reason, { tenantId });
  }

  static rolloutNotFound(rolloutId: string): TenantError {
    return new TenantError('rollout_not_found', `no rollout with id ${rolloutId}`);
  }

  /** A rollout asked for with options that cannot be honoured (tenants that do not exist, say). */
  static rolloutRejected(reason: string): TenantError {
    return new TenantError('rollout_rejected', reason);
  }

  /** What was asked of a rollout its state does not allow (resuming a completed one, say). */
  static rolloutConflict(reason: string): TenantError {
    return new TenantError('rollout_conflict', reason);
  }

  static serverNotFound(name: string): TenantError {
    return new TenantError('server_not_found', `no database server named "${name}" (see GET /servers)`, { server: name });
  }

  static serverExists(name: string): TenantError {
    return new TenantError('server_exists', `a database server named "${name}" is registered already`, { server: name });
  }

  /** A server that cannot be added as given: unreachable, refused the login, or the login lacks or exceeds the rights it needs. */
  static serverRejected(name: string, reason: string): TenantError {
    return new TenantError('server_rejected', `database server "${name}" cannot be used: ${reason}`, { server: name });
  }

  /** A server named for a new tenant that takes none now (draining, disabled or full). */
  static serverUnavailable(name: string, reason: string): TenantError {
    return new TenantError('server_unavailable', `database server "${name}" ${reason}; name another or leave "server" out`, {
      server: name,
    });
  }

  /** Every active server is full, so a restore was not recorded. */
  static noRoomToRestore(): TenantError {
    return new TenantError(
      'no_room_to_restore',
      'every active database server is at its capacity, so nothing was restored; add a server or raise a capacity, then ask again',
    );
  }

  /** Every active server is full: the tenant is recorded and provisioned once one has room. */
  static noServerCapacity(tenantId: string): TenantError {
    return new TenantError(
      'no_server_capacity',
      'every active database server is at its capacity; the tenant is recorded as pending and will be provisioned once a server has room (add one, or raise a capacity)',
      { tenantId },
    );
  }
}

export function isTenantError(error: unknown, code: TenantErrorCode): error is TenantError {
  return error instanceof TenantError && error.code === code;
}
