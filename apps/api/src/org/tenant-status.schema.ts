const timestamp = { type: 'string', format: 'date-time' } as const;
const nullable = <T extends { type: string }>(schema: T) => ({ ...schema, type: [schema.type, 'null'] });

/**
 * The JSON schema of `GET /org/:id/status`: Fastify serialises the answer with it (fast-json-
 * stringify), which is quicker than JSON.stringify on the most polled route, and it pins the
 * contract: a field not listed here is never sent.
 */
export const TENANT_STATUS_RESPONSE = {
  200: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      dbName: { type: 'string' },
      /** The database server it is placed on; null while every server is full. */
      server: nullable({ type: 'string' }),
      status: { type: 'string' },
      step: nullable({ type: 'string' }),
      attempts: { type: 'integer' },
      error: nullable({ type: 'string' }),
      createdAt: timestamp,
      updatedAt: timestamp,
      readyAt: nullable(timestamp),
      /** A lifecycle operation (suspend, resume, delete, purge, restore) under way, and its last attempt's error. */
      operation: nullable({ type: 'string' }),
      operationError: nullable({ type: 'string' }),
    },
    required: [
      'id',
      'name',
      'dbName',
      'server',
      'status',
      'step',
      'attempts',
      'error',
      'createdAt',
      'updatedAt',
      'readyAt',
      'operation',
      'operationError',
    ],
  },
};
