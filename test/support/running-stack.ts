import { TestStack } from './test-stack';

export interface RunningStack {
  stack: TestStack;
  /** The api's base URL, once `beforeAll` has run. */
  api: string;
}

/** A TestStack with the api and `workers` workers running for the whole describe block. */
export function useRunningStack(overrides: Record<string, string> = {}, workers = 1): RunningStack {
  const running: RunningStack = { stack: new TestStack(overrides), api: '' };
  beforeAll(async () => {
    running.api = await running.stack.startApi();
    for (let index = 0; index < workers; index += 1) await running.stack.startWorker();
  });
  afterAll(() => running.stack.teardown());
  return running;
}
