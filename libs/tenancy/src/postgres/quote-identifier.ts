declare const quoted: unique symbol;

/**
 * An identifier ready to stand in SQL. Only `quoteIdentifier` makes one, so a statement builder
 * that takes it cannot be handed a name that was never quoted, nor a piece of SQL.
 */
export type QuotedIdentifier = string & { readonly [quoted]: true };

/** The one way an identifier enters SQL: double-quoted, inner quotes doubled. */
export function quoteIdentifier(identifier: string): QuotedIdentifier {
  if (identifier.length === 0 || identifier.includes('\u0000')) {
    throw new Error('an identifier must be non-empty and free of NUL characters');
  }
  return `"${identifier.replace(/"/g, '""')}"` as QuotedIdentifier;
}
