import { SERVER_NAME, SERVER_NAME_RULE, SERVER_STATES, serverUrlProblem } from '@app/tenancy';
import { z } from 'zod';

const MAX_CAPACITY = 1_000_000;

const capacity = z
  .number({ error: `capacity must be a whole number from 1 to ${MAX_CAPACITY}` })
  .int({ error: `capacity must be a whole number from 1 to ${MAX_CAPACITY}` })
  .min(1, { error: 'capacity must be at least 1' })
  .max(MAX_CAPACITY, { error: `capacity must be at most ${MAX_CAPACITY}` });

/** The URL is checked by the same rule as `tenants servers add`; no message quotes it (it holds a password). */
const provisionerUrl = z
  .string({ error: 'url is required: the postgres:// URL of a role with CREATEDB and CREATEROLE' })
  .max(4096, { error: 'url must be at most 4096 characters' })
  .superRefine((url, context) => {
    const problem = serverUrlProblem(url);
    if (problem) context.addIssue({ code: 'custom', message: `url ${problem}` });
  });

/** POST /servers */
export const addServerBody = z.strictObject(
  {
    name: z.string({ error: `name is required: ${SERVER_NAME_RULE}` }).regex(SERVER_NAME, { error: SERVER_NAME_RULE }),
    url: provisionerUrl,
    capacity,
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'body must be a JSON object like {"name": "pg-2", "url": "postgres://…", "capacity": 500}'
        : undefined,
  },
);
export type AddServerBody = z.infer<typeof addServerBody>;

/** PATCH /servers/:name */
export const changeServerBody = z
  .strictObject(
    {
      capacity: capacity.optional(),
      state: z.enum(SERVER_STATES, { error: `state must be one of ${SERVER_STATES.join(', ')}` }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"state": "draining"}' : undefined) },
  )
  .refine((body) => body.capacity !== undefined || body.state !== undefined, { error: 'send capacity, state or both' });
export type ChangeServerBody = z.infer<typeof changeServerBody>;
