import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';

/** ADMIN_API_KEY, checked in constant time wherever an operator presents it (a bearer token, the console's login). */
@Injectable()
export class AdminKey {
  private readonly expectedDigest?: Buffer;

  constructor(@Inject(APP_CONFIG) { api }: Pick<AppConfig, 'api'>) {
    this.expectedDigest = api.adminApiKey === undefined ? undefined : digest(api.adminApiKey);
  }

  /** Unset outside production: the admin routes, the console and Bull Board are open. */
  get isSet(): boolean {
    return this.expectedDigest !== undefined;
  }

  matches(candidate: string): boolean {
    // Digests have equal length, so timingSafeEqual never throws and nothing leaks the key's length.
    return this.expectedDigest !== undefined && timingSafeEqual(digest(candidate), this.expectedDigest);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
