import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

/** ADMIN_API_KEY, checked in constant time wherever an operator presents it (a bearer token, the console's login). */
@Injectable()
export class AdminKey {
  private readonly expectedDigest?: Buffer;

  constructor(@Inject(APP_CONFIG) { api }: Pick<AppConfig, 'api'>) {
    this.expectedDigest = api.adminApiKey === undefined ? undefined : digest(api.adminApiKey);
  }

  /** Unset outside production: the operators' routes (admin api, console, Bull Board, /metrics) are open. */
  get isSet(): boolean {
    return this.expectedDigest !== undefined;
  }

  matches(candidate: string): boolean {
    // Digests have equal length, so timingSafeEqual never throws and nothing leaks the key's length.
    return this.expectedDigest !== undefined && timingSafeEqual(digest(candidate), this.expectedDigest);
  }
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
