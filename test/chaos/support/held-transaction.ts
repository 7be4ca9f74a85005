import { Client } from 'pg';

/**
 * A transaction left open on purpose, holding the locks its statements took until `release()`:
 * a worker's statement that needs them waits, and the scenario knows exactly where the worker is.
 */
export class HeldTransaction {
  private released = false;

  private constructor(private readonly client: Client) {}

  /** Opens the transaction on `url` and runs `statements` in it. */
  static async open(url: string, statements: string, params: unknown[] = []): Promise<HeldTransaction> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined); // a server stopped by the scenario ends the session; release() then has nothing to do
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(statements, params);
    } catch (error) {
      await client.end();
      throw error;
    }
    return new HeldTransaction(client);
  }

  /** Rolls back: nothing the transaction did remains, its locks are free. Once; later calls do nothing. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      await this.client.query('ROLLBACK');
    } catch {
      // the session is gone already, and its locks with it
    }
    await this.client.end().catch(() => undefined);
  }
}
