import { Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiKeyVerifier } from './api-key-verifier';
import { TenantJwtVerifier } from './tenant-jwt-verifier';

/** Who is calling: the holder of a tenant's API key, or of a JWT naming a tenant. */
export type TenantCaller = { kind: 'api-key'; tenantId: string } | { kind: 'jwt'; tenantReference: string };

const API_KEY_SHAPE = /^tk_/;

/**
 * `Authorization: Bearer <tenant API key or JWT>`. No credentials, or ones that do not verify,
 * are a 401 before anything is said about the tenant asked for, so nobody without a key can
 * probe which tenants exist.
 */
@Injectable()
export class TenantCallerAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeyVerifier,
    private readonly jwts: TenantJwtVerifier,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<TenantCaller> {
    const token = /^Bearer +(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (!token) {
      throw unauthorized(`send Authorization: Bearer <tenant API key${this.jwts.enabled ? ' or JWT' : ''}>`);
    }
    if (API_KEY_SHAPE.test(token)) {
      const holder = await this.apiKeys.verify(token);
      if (!holder) throw unauthorized('the API key is not valid: unknown or revoked');
      return { kind: 'api-key', tenantId: holder.tenantId };
    }
    const verdict = await this.jwts.verify(token);
    if ('problem' in verdict) throw unauthorized(verdict.problem);
    return { kind: 'jwt', tenantReference: verdict.tenant };
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException(message);
}
