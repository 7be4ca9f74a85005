/** Runs `task` every interval, never two runs at once; `stop()` waits for the one running. */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(intervalMs: number, options: { now?: boolean } = {}): void {
    if (options.now) this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running ??= this.task()
      .catch(this.onError)
      .finally(() => (this.running = undefined));
  }
}
