/** The server TENANT_DATABASE_URL names; every process reads its URL from its own configuration. */
export const DEFAULT_SERVER = 'default';

export const SERVER_STATES = ['active', 'draining', 'disabled'] as const;
/** `active` takes new tenants; `draining` keeps its tenants but takes none; `disabled` takes none either. */
export type ServerState = (typeof SERVER_STATES)[number];

/** Lowercase letters, digits and dashes, starting with a letter: it appears in URLs, logs and lock keys. */
export const SERVER_NAME = /^[a-z][a-z0-9-]{0,39}$/;
export const SERVER_NAME_RULE = 'a server name is 1 to 40 lowercase letters, digits and dashes, starting with a letter';

export interface DatabaseServer {
  name: string;
  /** `postgres://host:port[?params]`, no credentials and no database; null for `default` (from configuration). */
  address: string | null;
  /** The most tenant databases it may hold. */
  capacity: number;
  state: ServerState;
  createdAt: Date;
  updatedAt: Date;
}

/** A server with the number of tenant databases placed on it (purged tenants' excluded). */
export interface DatabaseServerUsage extends DatabaseServer {
  tenants: number;
}
