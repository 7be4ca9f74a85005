import { SERVER_STATES } from '@app/tenancy';
import { z } from 'zod';

/** A database server as the admin api answers it (databaseServerView), for the OpenAPI document. */
export const serverAnswer = z.object({
  name: z.string(),
  address: z
    .string()
    .nullable()
    .meta({ description: "host:port/database, never credentials; null for `default` (each process's TENANT_DATABASE_URL)" }),
  capacity: z.number().int(),
  tenants: z.number().int(),
  free: z.number().int(),
  state: z.enum(SERVER_STATES),
  reachable: z.boolean().meta({ description: "Whether the provisioner's login answered just now" }),
  unreachableReason: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const serverListAnswer = z.object({ items: z.array(serverAnswer) });
