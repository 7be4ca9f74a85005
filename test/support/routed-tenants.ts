import { http } from './http';
import { createOrg, waitForStatus } from './tenant-client';

export interface RoutedTestTenant {
  id: string;
  slug: string;
  dbName: string;
  /** A tenant API key issued by the admin api. */
  key: string;
}

/** Ready tenants, each with an API key: made through the admin api, as a product's operator would. */
export async function readyTenantsWithKeys(apiUrl: string, names: string[], timeoutMs = 60_000): Promise<RoutedTestTenant[]> {
  const created = await Promise.all(names.map((name) => createOrg(apiUrl, name)));
  return Promise.all(
    created.map(async (org) => {
      await waitForStatus(apiUrl, org.id, ['ready'], timeoutMs);
      const { body } = await http<{ slug: string }>(apiUrl, 'GET', `/org/${org.id}`);
      return { id: org.id, slug: body.slug, dbName: org.dbName, key: await issueApiKey(apiUrl, org.id) };
    }),
  );
}

export async function issueApiKey(apiUrl: string, tenantId: string): Promise<string> {
  const answer = await http<{ key: string }>(apiUrl, 'POST', `/org/${tenantId}/api-keys`);
  if (answer.status !== 201) throw new Error(`POST /org/${tenantId}/api-keys: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.key;
}

export function bearer(key: string, headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, ...headers };
}
