// What /proc says about the processes a series runs: CPU time, memory, children.
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats';

/** CPU time so far, in ms: the machine's (all cores, busy only), one app's, and a PostgreSQL cluster's. */
export interface CpuSnapshot {
  machine: number;
  app: number;
  postgres: number;
}

export interface CpuPerRequest {
  /** CPU ms per request: the app serving it, PostgreSQL (every backend, the ones that exited included), the machine in all. */
  app_ms: number;
  postgres_ms: number;
  machine_ms: number;
  /** Share of the machine's cores busy during the run (2 cores fully busy = 100). */
  machine_busy_pct: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime, stime and (with `reaped`) the CPU of its waited-for children, from /proc/<pid>/stat, in ms. */
export function processMs(pid: number, reaped = false): number {
  // Fields after the command name (which may contain spaces): state is [0], utime [11], stime [12], cutime [13], cstime [14].
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ').map(Number);
  const own = fields[11]! + fields[12]!;
  return (reaped ? own + fields[13]! + fields[14]! : own) * TICK_MS;
}

/** Busy CPU of all cores, from /proc/stat's first line (idle and iowait left out). */
export function machineMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
}

/** The children of `pid` (a postmaster's backends and helpers, say). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended while being read
    }
  }
  return children;
}

/** This process's child whose command line contains `script` (ServiceProcess does not tell its pid). */
export function childPid(script: string): number {
  const found = childrenOf(process.pid).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
  if (found === undefined) throw new Error(`no child process running ${script}`);
  return found;
}

/** Every child of this process whose command line contains `script` (both workers, say). */
export function childPids(script: string): number[] {
  return childrenOf(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(script);
    } catch {
      return false;
    }
  });
}

/** VmRSS and VmHWM (the peak RSS) from /proc, in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: round(kb('VmRSS') / 1024), peak: round(kb('VmHWM') / 1024) };
}

/**
 * A PostgreSQL cluster's CPU: the postmaster's own, its exited backends' (reaped by it, so in its
 * cutime/cstime) and its live children's.
 */
export function postgresMs(postmaster: number): number {
  let total = processMs(postmaster, true);
  for (const child of childrenOf(postmaster)) {
    try {
      total += processMs(child);
    } catch {
      // exited meanwhile: counted in the postmaster's reaped time from now on
    }
  }
  return total;
}

export function cpuSnapshot(appPid: number, postmaster: number): CpuSnapshot {
  return { machine: machineMs(), app: processMs(appPid), postgres: postgresMs(postmaster) };
}

export function cpuPerRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
  seconds: number,
  cores: number,
): CpuPerRequest {
  const per = (key: keyof CpuSnapshot) => round((after[key] - before[key]) / Math.max(requests, 1), 3);
  return {
    app_ms: per('app'),
    postgres_ms: per('postgres'),
    machine_ms: per('machine'),
    machine_busy_pct: round((100 * (after.machine - before.machine)) / (seconds * 1000 * cores)),
  };
}

/** A cluster's CPU so far by kind of process: exited ones (short-lived backends, autovacuum workers) together. */
export function postgresMsByKind(postmaster: number, masterDb: string): Map<number, { kind: string; ms: number }> {
  const byPid = new Map<number, { kind: string; ms: number }>();
  byPid.set(postmaster, { kind: 'postmaster and exited children', ms: processMs(postmaster, true) });
  for (const child of childrenOf(postmaster)) {
    try {
      const title = readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const kind = processKind(title.replace(/^postgres: /, '').split(' '), masterDb);
      byPid.set(child, { kind, ms: processMs(child) });
    } catch {
      // exited meanwhile
    }
  }
  return byPid;
}

/**
 * A client backend's title is `user database host(port) state`; any other process's names its kind
 * (`checkpointer`, `autovacuum launcher`, …).
 */
function processKind(words: string[], masterDb: string): string {
  const isClientBackend = /\(\d+\)$|^\[local\]$/.test(words[2] ?? '');
  if (!isClientBackend) return words.slice(0, 2).join(' ');
  return words[1] === masterDb ? 'master backends' : 'tenant backends (live)';
}

export function postgresSplit(
  before: Map<number, { kind: string; ms: number }>,
  after: Map<number, { kind: string; ms: number }>,
  n: number,
): Record<string, number> {
  const split: Record<string, number> = {};
  for (const [pid, { kind, ms }] of after) split[kind] = (split[kind] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  for (const kind of Object.keys(split)) split[kind] = round(split[kind]! / n, 2);
  return split;
}
