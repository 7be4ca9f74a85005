import * as path from 'node:path';

/**
 * A migration or seed file that the process cannot load: a syntax error, or TypeScript in a
 * process that runs compiled JavaScript. No tenant is at fault, so no tenant's attempts are
 * spent on it: jobs wait until the file is fixed (the worker refuses to start with one).
 */
export class MigrationLoadError extends Error {
  readonly file: string;

  constructor(filePath: string, cause: unknown) {
    super(describeLoadFailure(filePath, cause), { cause });
    this.name = 'MigrationLoadError';
    this.file = filePath;
  }
}

export function isMigrationLoadError(error: unknown): error is MigrationLoadError {
  return error instanceof MigrationLoadError;
}

/** True for a `.ts` file that Node read as JavaScript: no TypeScript loader in this process. */
export function isUncompiledTypeScript(filePath: string, cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  const syntax = cause instanceof SyntaxError || (cause as { name?: unknown } | null)?.name === 'SyntaxError';
  return filePath.endsWith('.ts') && (syntax || code === 'ERR_UNKNOWN_FILE_EXTENSION');
}

function describeLoadFailure(filePath: string, cause: unknown): string {
  const reason = (cause as { message?: unknown } | null)?.message;
  const said = typeof reason === 'string' ? reason : String(cause);
  if (isUncompiledTypeScript(filePath, cause)) {
    return `${path.basename(filePath)} in ${path.dirname(filePath)} is TypeScript, which this process (compiled JavaScript) cannot load (${said})`;
  }
  return `${filePath} cannot be loaded: ${said}`;
}
