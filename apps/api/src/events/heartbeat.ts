import type { MessageEvent } from '@nestjs/common';
import { connect, endWith, ignoreElements, interval, map, merge, MonoTypeOperatorFunction, takeUntil } from 'rxjs';

/**
 * Adds a `heartbeat` event every `everyMs` for as long as the stream runs. A proxy's idle timeout
 * then never cuts a stream that merely has nothing to say, and a write to a client that vanished
 * without closing fails, which ends its stream. EventSource clients ignore named events they do
 * not listen to.
 */
export function withHeartbeat(everyMs: number): MonoTypeOperatorFunction<MessageEvent> {
  return connect((events) =>
    merge(
      events,
      interval(everyMs).pipe(
        map((): MessageEvent => ({ type: 'heartbeat', data: { at: new Date().toISOString() } })),
        takeUntil(events.pipe(ignoreElements(), endWith(true))),
      ),
    ),
  );
}
