export interface Following<T> {
  /** Reads the current state (from master, the truth about it). */
  read: () => Promise<T>;
  done: (value: T) => boolean;
  /** Called with every value read, for a progress bar. */
  seen?: (value: T) => void;
  /** Undefined: as long as it takes. */
  timeoutMs: number | undefined;
  everyMs: number;
  /** The error to throw when time is up, built from the last value read. */
  timedOut: (last: T, afterSeconds: number) => Error;
}

/** Reads until `done`, or throws `timedOut` once the time is up. */
export async function follow<T>(following: Following<T>): Promise<T> {
  const { read, done, seen, timeoutMs, everyMs, timedOut } = following;
  const deadline = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    seen?.(value);
    if (done(value)) return value;
    if (Date.now() >= deadline) throw timedOut(value, (timeoutMs ?? 0) / 1000);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
