import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('never runs the task twice at once, and reports its errors', async () => {
    let release!: () => void;
    const runs: number[] = [];
    const errors: unknown[] = [];
    const task = new PeriodicTask(
      () => {
        runs.push(Date.now());
        if (runs.length === 2) return Promise.reject(new Error('boom'));
        return new Promise<void>((resolve) => (release = resolve));
      },
      (error) => errors.push(error),
    );
    task.start(100, { now: true });
    await jest.advanceTimersByTimeAsync(350);
    expect(runs).toHaveLength(1);
    release();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(2);
    expect(errors).toEqual([new Error('boom')]);
    await task.stop();
  });

  it('waits for the running task when stopped and then runs no more', async () => {
    let finished = false;
    const task = new PeriodicTask(
      () => new Promise<void>((resolve) => setTimeout(() => ((finished = true), resolve()), 50)),
      () => undefined,
    );
    task.start(10, { now: true });
    const stopped = task.stop();
    await jest.advanceTimersByTimeAsync(50);
    await stopped;
    expect(finished).toBe(true);
  });
});
