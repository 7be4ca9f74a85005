// autocannon in a process of its own, sending each request to a target drawn at random from a list
// (one tenant's path and headers per entry). Reads its plan from the JSON file named by argv[2],
// says `ready` once loaded and starts on a line from stdin (so the caller's CPU accounting leaves
// this process's start-up out), then prints autocannon's result as one line of JSON.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface LoadTarget {
  path: string;
  headers: Record<string, string>;
}

export interface LoadPlan {
  origin: string;
  connections: number;
  duration_s: number;
  targets: LoadTarget[];
}

interface CannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; setupRequest: (request: CannonRequest) => CannonRequest }[];
}) => Promise<unknown>;

// autocannon ships no typings; the options used here are its documented programmatic API.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan;
  const { targets } = plan;
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();
  const result = await autocannon({
    url: plan.origin,
    connections: plan.connections,
    duration: plan.duration_s,
    requests: [
      {
        method: 'GET',
        // Uniformly random: every tenant is as likely next, so the pools' LRU sees a spread, not a cycle.
        setupRequest: (request) => {
          const target = targets[Math.floor(Math.random() * targets.length)]!;
          return { ...request, path: target.path, headers: { ...request.headers, ...target.headers } };
        },
      },
    ],
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
