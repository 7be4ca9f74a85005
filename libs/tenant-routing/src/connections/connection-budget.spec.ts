import { ConnectionBudget, ConnectionBudgetExhausted } from './connection-budget';

describe('ConnectionBudget', () => {
  afterEach(() => jest.useRealTimers());

  it('grants permits up to its limit at once', async () => {
    const budget = new ConnectionBudget(2, 1000);
    await budget.acquire();
    await budget.acquire();
    expect(budget.inUse).toBe(2);
    expect(budget.waits).toBe(0);
  });

  it('hands a released permit to the longest waiter, in order', async () => {
    const budget = new ConnectionBudget(1, 10_000);
    await budget.acquire();
    const order: string[] = [];
    const first = budget.acquire().then(() => order.push('first'));
    const second = budget.acquire().then(() => order.push('second'));
    expect(budget.waiting).toBe(2);
    budget.release();
    await first;
    budget.release();
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(budget.inUse).toBe(1);
  });

  it('gives up on a waiter after waitMs with a 503 and keeps the count right', async () => {
    jest.useFakeTimers();
    const budget = new ConnectionBudget(1, 500);
    await budget.acquire();
    const waiting = budget.acquire();
    jest.advanceTimersByTime(500);
    await expect(waiting).rejects.toBeInstanceOf(ConnectionBudgetExhausted);
    expect(budget.timeouts).toBe(1);
    expect(budget.waiting).toBe(0);
    budget.release();
    expect(budget.inUse).toBe(0);
  });

  it('tells its owner when someone has to wait, so idle connections can be closed', async () => {
    const shortage = jest.fn();
    const budget = new ConnectionBudget(1, 10_000, shortage);
    await budget.acquire();
    const waiting = budget.acquire();
    expect(shortage).toHaveBeenCalledTimes(1);
    budget.release();
    await waiting;
  });
});
