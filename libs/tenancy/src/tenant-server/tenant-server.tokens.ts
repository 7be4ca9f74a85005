/** A pg Pool on the tenant server's maintenance database, for CREATE/DROP DATABASE. */
export const TENANT_SERVER_POOL = Symbol('TENANT_SERVER_POOL');
