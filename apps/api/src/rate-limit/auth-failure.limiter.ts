import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';

const WINDOW_MS = 60_000;
const THROTTLER_NAME = 'auth-failure';
/** Beyond this many, the oldest are forgotten; their next failure asks Redis again. */
const MAX_REMEMBERED_CLIENTS = 10_000;

/**
 * Failed authentications per client, counted in Redis so that every api process sees them all.
 * Which clients are blocked is also remembered in this process, so a request with the right
 * key costs no Redis round trip, yet a blocked client is refused before its key is even looked at.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly blockedUntil = new Map<string, number>();
  private readonly limit: number;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) { api }: Pick<AppConfig, 'api'>,
    private readonly logger: PinoLogger,
  ) {
    this.limit = api.authFailureLimit;
    logger.setContext(AuthFailureLimiter.name);
  }

  /** Seconds until a client this process knows to be blocked may try again. */
  blockedFor(client: string): number | undefined {
    const until = this.blockedUntil.get(client);
    if (until === undefined) return undefined;
    const remainingMs = until - Date.now();
    if (remainingMs > 0) return Math.ceil(remainingMs / 1000);
    this.blockedUntil.delete(client);
    return undefined;
  }

  /** Counts one failure; answers the seconds to wait when the client is blocked. */
  async recordFailure(client: string): Promise<number | undefined> {
    if (this.limit === 0) return undefined;
    const { totalHits, isBlocked, timeToBlockExpire } = await this.storage.increment(
      client,
      WINDOW_MS,
      this.limit,
      WINDOW_MS,
      THROTTLER_NAME,
    );
    if (!isBlocked) return undefined;
    if (totalHits === this.limit + 1) {
      this.logger.warn({ client, failures: totalHits }, 'client blocked after too many failed authentications');
    }
    this.remember(client, timeToBlockExpire);
    return timeToBlockExpire;
  }

  private remember(client: string, seconds: number): void {
    this.blockedUntil.delete(client);
    if (this.blockedUntil.size >= MAX_REMEMBERED_CLIENTS) this.blockedUntil.delete(this.blockedUntil.keys().next().value!);
    this.blockedUntil.set(client, Date.now() + seconds * 1000);
  }
}
