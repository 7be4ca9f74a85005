import { z } from 'zod';

/** The largest id a `serial` column holds: anything above names no user and would not fit a query. */
const MAX_ID = 2_147_483_647;

/** A user id as it comes in a path or a query string: digits only, so `1.5`, `1e3` or `-1` are refused. */
const idText = (problem: string) =>
  z
    .string({ error: problem })
    .regex(/^\d{1,10}$/, { error: problem })
    .transform(Number)
    .pipe(z.number().min(1, { error: problem }).max(MAX_ID, { error: problem }));

export const userId = idText(`id must be a whole number from 1 to ${MAX_ID}`);

const name = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, { error: 'name must not be empty' })
  .max(200, { error: 'name must be at most 200 characters' });
// 254: the longest address SMTP carries; the column holds 255.
const email = z.email({ error: 'email must be an email address' }).max(254, { error: 'email must be at most 254 characters' });

const objectError = (issue: { code: string }) =>
  issue.code === 'invalid_type' ? 'body must be a JSON object like {"name": "Ann", "email": "ann@example.com"}' : undefined;

export const createUserBody = z.strictObject({ name, email }, { error: objectError });
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({ name: name.optional(), email: email.optional() }, { error: objectError })
  .refine((changes) => changes.name !== undefined || changes.email !== undefined, { error: 'send name, email or both' });
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const listUsersQuery = z.strictObject({
  limit: z.coerce
    .number({ error: 'limit must be a whole number from 1 to 100' })
    .int({ error: 'limit must be a whole number from 1 to 100' })
    .min(1, { error: 'limit must be at least 1' })
    .max(100, { error: 'limit must be at most 100' })
    .default(20),
  after: idText('after must be a user id (the nextCursor of the previous page)').optional(),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;
