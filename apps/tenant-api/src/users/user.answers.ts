import { z } from 'zod';

/** A user as /users answers it, for the OpenAPI document; the routes are checked against it. */
export const userAnswer = z.object({ id: z.number().int(), name: z.string(), email: z.string() });

export const userPageAnswer = z.object({
  items: z.array(userAnswer),
  nextCursor: z.number().int().nullable().meta({ description: 'The `after` of the next page; null on the last one' }),
});
