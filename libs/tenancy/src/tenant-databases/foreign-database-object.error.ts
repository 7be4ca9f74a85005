/**
 * A database or role with the tenant's name that the service did not make for this tenant. It
 * is left exactly as it is; retrying cannot help, so the tenant fails at once.
 */
export class ForeignDatabaseObjectError extends Error {
  constructor(kind: 'database' | 'role', name: string, reason: string) {
    super(
      `${kind} "${name}" ${reason}; it was left untouched. Rename or drop it (after checking whose it is), then retry the tenant`,
    );
    this.name = 'ForeignDatabaseObjectError';
  }
}
