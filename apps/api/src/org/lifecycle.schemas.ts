import { z } from 'zod';

const flag = (name: string) =>
  z
    .enum(['true', 'false'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true')
    .optional();

export const deleteOrgQuery = z.strictObject({ purge: flag('purge'), backup: flag('backup') });
export type DeleteOrgQuery = z.infer<typeof deleteOrgQuery>;

/** No body at all restores the tenant from its recorded backup. */
export const restoreOrgBody = z
  .strictObject(
    {
      backup: z
        .string({ error: 'backup must be a string: a file in BACKUP_DIR' })
        .min(1, { error: 'backup must not be empty' })
        .max(4096, { error: 'backup must be at most 4096 characters' })
        .refine((file) => !file.includes('\u0000'), { error: 'backup must not contain NUL' })
        .optional(),
      as: z.string({ error: 'as must be a string: the name of the new tenant' }).optional(),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"backup": "…", "as": "…"}' : undefined) },
  )
  .optional()
  .transform((body) => body ?? {});
export type RestoreOrgBody = z.infer<typeof restoreOrgBody>;

/** `{"server": "<name>"}`: the registered server to move the tenant's database to. */
export const moveOrgBody = z.strictObject(
  {
    server: z
      .string({ error: 'server is required: the name of a registered database server (see GET /servers)' })
      .min(1, { error: 'server must not be empty' })
      .max(40, { error: 'server must be at most 40 characters' }),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'body must be a JSON object like {"server": "…"}' : undefined) },
);
export type MoveOrgBody = z.infer<typeof moveOrgBody>;
