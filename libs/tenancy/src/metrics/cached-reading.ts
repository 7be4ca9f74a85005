/** How long a scrape-time reading of master or a database server is reused: scrapes must not load them. */
const DEFAULT_TTL_MS = 5_000;

/** A value read at most once per `ttlMs`; readers meanwhile, concurrent ones included, share that read. A failed read is not kept. */
export class CachedReading<T> {
  private current?: { readAt: number; value: Promise<T> };

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  get(): Promise<T> {
    const now = Date.now();
    if (!this.current || now - this.current.readAt >= this.ttlMs) {
      const reading = { readAt: now, value: this.read() };
      reading.value.catch(() => {
        if (this.current === reading) this.current = undefined;
      });
      this.current = reading;
    }
    return this.current.value;
  }
}
