import { Client } from 'pg';

/**
 * Runs `work` on a short-lived connection. The server ending the connection also emits 'error'
 * on the client, which would crash the process if unheard; the failed query reports it anyway.
 */
export async function withClient<T>(connectionString: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
