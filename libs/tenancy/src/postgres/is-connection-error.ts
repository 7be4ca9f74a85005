import { KnexTimeoutError } from 'knex';

/** SQLSTATE classes and socket errors that mean "the server is away", not "the request is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** True when an error comes from PostgreSQL being unreachable or restarting. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof KnexTimeoutError) return true;
  // Not `instanceof Error`: socket errors may come from another realm (jest's sandbox, for one).
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return false;
  const code = (error as { code?: string }).code;
  if (code && UNAVAILABLE_CODES.has(code)) return true;
  return /Connection terminated|Connection ended|connection error and is not queryable|ECONNREFUSED|ECONNRESET|ETIMEDOUT|the database system is (starting up|shutting down|in recovery mode)/i.test(
    (error as Error).message,
  );
}
