import { BeforeApplicationShutdown, Inject, Injectable, MessageEvent, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import { defer, finalize, merge, Observable, Subject, takeUntil, timer } from 'rxjs';
import { withHeartbeat } from './heartbeat';

const MAX_HEARTBEAT_MS = 15_000;

/**
 * Bounds this process's Server-Sent Event streams: at most SSE_MAX_STREAMS open at once, each
 * ended after SSE_MAX_SECONDS (EventSource reconnects by itself), with heartbeats. Nest lifts
 * the socket timeout of a stream, but proxies on the way have idle timeouts of their own,
 * usually no shorter than ours: a heartbeat within a third of HTTP_CONNECTION_TIMEOUT_MS (at
 * most every 15 s) stays under them. On shutdown every stream ends first: an open one would hold
 * the server's close until it ended by itself, and EventSource reconnects to another process.
 */
@Injectable()
export class EventStreamLimiter implements BeforeApplicationShutdown {
  private openStreams = 0;
  private readonly shuttingDown = new Subject<void>();
  private readonly maxStreams: number;
  private readonly maxLifeMs: number;
  private readonly heartbeatMs: number;

  constructor(@Inject(APP_CONFIG) { api, http }: Pick<AppConfig, 'api' | 'http'>) {
    this.maxStreams = api.sseMaxStreams;
    this.maxLifeMs = api.sseMaxSeconds * 1000;
    this.heartbeatMs = Math.min(MAX_HEARTBEAT_MS, Math.floor(http.connectionTimeoutMs / 3));
  }

  /**
   * Throws 503 when the limit is reached: called before the response starts, while an error can
   * still be answered. A stream counts from its subscription, so one never subscribed (its
   * client gone first) holds no place.
   */
  open(events: Observable<MessageEvent>): Observable<MessageEvent> {
    if (this.openStreams >= this.maxStreams) {
      throw new ServiceUnavailableException(
        `all ${this.maxStreams} event streams (SSE_MAX_STREAMS) are open; poll the status URL or try again later`,
      );
    }
    return defer(() => {
      this.openStreams += 1;
      return events.pipe(
        withHeartbeat(this.heartbeatMs),
        takeUntil(merge(timer(this.maxLifeMs), this.shuttingDown)),
        finalize(() => (this.openStreams -= 1)),
      );
    });
  }

  beforeApplicationShutdown(): void {
    this.shuttingDown.next();
  }
}
