import { http } from './http';
import { waitFor } from './wait-for';

export interface StatusBody {
  id: string;
  status: string;
  step: string | null;
  attempts: number;
  error: string | null;
  dbName: string;
  readyAt: string | null;
  schema: { migration: string | null; fingerprint: string | null };
}

/** Creates an organization through the api and returns the 202 body. */
export async function createOrg(baseUrl: string, name: string) {
  const answer = await http(baseUrl, 'POST', '/org/create', { json: { name } });
  if (answer.status !== 202) throw new Error(`POST /org/create ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; dbName: string; jobId: string; statusUrl: string; status: string };
}

/** Polls the status endpoint until the tenant reaches one of `statuses`. */
export function waitForStatus(baseUrl: string, id: string, statuses: string[], timeoutMs?: number) {
  return waitFor(
    `tenant ${id} to become ${statuses.join(' or ')}`,
    async () => {
      const { body } = await http<StatusBody>(baseUrl, 'GET', `/org/${id}/status`);
      return statuses.includes(body.status) ? body : undefined;
    },
    timeoutMs,
  );
}
