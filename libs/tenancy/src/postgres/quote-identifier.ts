/** The one way an identifier enters SQL: double-quoted, inner quotes doubled. */
export function quoteIdentifier(identifier: string): string {
  if (identifier.length === 0 || identifier.includes('\u0000')) {
    throw new Error('an identifier must be non-empty and free of NUL characters');
  }
  return `"${identifier.replace(/"/g, '""')}"`;
}
