import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import { errors, jwtVerify } from 'jose';

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type JwtVerdict = { tenant: string } | { problem: string };

/**
 * Tenant JWTs: HS256 with TENANT_JWT_SECRET, or RS/PS/ES/EdDSA with TENANT_JWT_PUBLIC_KEY
 * (jose checks that the key fits the algorithm, so an HS256 token signed with the public key is
 * refused). The token must carry `tenant` (the tenant's id or slug) and be within exp/nbf.
 */
@Injectable()
export class TenantJwtVerifier {
  private readonly key?: KeyObject;
  private readonly algorithms: string[];

  constructor(@Inject(APP_CONFIG) { tenantRouting: { jwt } }: Pick<AppConfig, 'tenantRouting'>) {
    if (jwt.secret) {
      this.key = createSecretKey(Buffer.from(jwt.secret));
      this.algorithms = ['HS256'];
    } else {
      this.key = jwt.publicKey ? createPublicKey(jwt.publicKey) : undefined;
      this.algorithms = ASYMMETRIC_ALGORITHMS;
    }
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  async verify(token: string): Promise<JwtVerdict> {
    if (!this.key)
      return { problem: 'tenant JWTs are not accepted here (neither TENANT_JWT_SECRET nor TENANT_JWT_PUBLIC_KEY is set)' };
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: this.algorithms });
      if (typeof payload.tenant !== 'string' || payload.tenant === '') return { problem: 'the JWT has no `tenant` claim' };
      return { tenant: payload.tenant };
    } catch (error) {
      if (error instanceof errors.JOSEError) return { problem: `the JWT is not valid (${error.code})` };
      throw error;
    }
  }
}
