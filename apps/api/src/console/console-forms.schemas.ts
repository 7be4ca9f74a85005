import { TENANT_STATUSES } from '@app/tenancy';
import { z } from 'zod';

/** An empty field of a GET form means "not given". */
const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);

export const tenantListQuery = z.object({
  q: z.preprocess(blankAsAbsent, z.string().trim().max(200, { error: 'the search is at most 200 characters' }).optional()),
  status: z.preprocess(
    blankAsAbsent,
    z.enum(TENANT_STATUSES, { error: `status is one of ${TENANT_STATUSES.join(', ')}` }).optional(),
  ),
  after: z.preprocess(blankAsAbsent, z.uuid({ error: 'after is a tenant id' }).optional()),
});
export type TenantListQuery = z.infer<typeof tenantListQuery>;

export const createTenantForm = z.object({ name: z.string({ error: 'give the tenant a name' }) });
