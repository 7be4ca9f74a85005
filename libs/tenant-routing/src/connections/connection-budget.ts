import { ServiceUnavailableException } from '@nestjs/common';

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

/** Past the budget, a request for a connection waited its whole allowance: the answer is 503. */
export class ConnectionBudgetExhausted extends ServiceUnavailableException {
  constructor(limit: number, waitedMs: number) {
    super(
      `all ${limit} tenant database connections of this process are busy (TENANT_CONNECTIONS_MAX); waited ${waitedMs} ms, try again`,
    );
  }
}

/**
 * The connections every tenant pool of a process may hold together. Opening one takes a permit,
 * closing it gives the permit back; past the limit an opener waits in line up to `waitMs`.
 * `onShortage` is told when someone has to wait, so idle pools can be closed to make room.
 */
export class ConnectionBudget {
  private held = 0;
  private readonly queue: Waiter[] = [];
  private waitsCount = 0;
  private timeoutsCount = 0;

  constructor(
    readonly limit: number,
    private readonly waitMs: number,
    private readonly onShortage: () => void = () => undefined,
  ) {}

  acquire(): Promise<void> {
    if (this.held < this.limit && this.queue.length === 0) {
      this.held++;
      return Promise.resolve();
    }
    this.waitsCount++;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          this.timeoutsCount++;
          reject(new ConnectionBudgetExhausted(this.limit, this.waitMs));
        }, this.waitMs),
      };
      this.queue.push(waiter);
      this.onShortage();
    });
  }

  /** A permit given back goes straight to the longest waiter, so nobody can jump the line. */
  release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.held--;
  }

  get inUse(): number {
    return this.held;
  }

  get waiting(): number {
    return this.queue.length;
  }

  get waits(): number {
    return this.waitsCount;
  }

  get timeouts(): number {
    return this.timeoutsCount;
  }
}
