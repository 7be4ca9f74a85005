import type { IncomingHttpHeaders } from 'node:http';
import type { TenantResolverName } from '@app/tenancy';

export const TENANT_HEADER = 'x-tenant-id';

/** An id (uuid) or a slug (a-z, 0-9, _): anything else cannot name a tenant. */
const REFERENCE = /^[A-Za-z0-9_-]{1,100}$/;
const PATH_PREFIX = /^\/t\/([^/?#]*)(?=[/?#]|$)/;

export type ReferenceReading = { reference: string } | { invalid: string } | undefined;

/** `X-Tenant-ID: <id or slug>`. */
export function referenceFromHeader(headers: IncomingHttpHeaders): ReferenceReading {
  const value = headers[TENANT_HEADER];
  if (value === undefined) return undefined;
  return checked(Array.isArray(value) ? value.join(',') : value, `${TENANT_HEADER} must be one tenant id or slug`);
}

/** `/t/<id or slug>/…`, read from the URL as the client sent it (before tenantPathRewrite). */
export function referenceFromPath(originalUrl: string): ReferenceReading {
  const segment = PATH_PREFIX.exec(originalUrl)?.[1];
  if (segment === undefined) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return { invalid: 'the /t/<tenant> path segment is not valid URL encoding' };
  }
  return checked(decoded, 'the /t/<tenant> path segment must be a tenant id or slug');
}

/**
 * `<slug>.<baseDomain>`, one label deep; host names have no `_`, so a `-` in the label stands
 * for the `_` of a slug (`acme-corp.example.com` is tenant `acme_corp`).
 */
export function referenceFromHost(host: string | undefined, baseDomain: string | undefined): ReferenceReading {
  if (!host || !baseDomain) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${baseDomain}`;
  if (!name.endsWith(suffix)) return undefined;
  const label = name.slice(0, -suffix.length);
  if (label.includes('.')) return { invalid: `only one label may precede ${baseDomain} in the host name` };
  return checked(label.replace(/-/g, '_'), `the subdomain must be a tenant slug`);
}

/** Fastify's rewriteUrl: `/t/<tenant>/users?x` is routed as `/users?x`; other URLs are left alone. */
export function withoutTenantPath(url: string): string {
  const rest = url.replace(PATH_PREFIX, '');
  if (rest === url) return url;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function checked(value: string, problem: string): ReferenceReading {
  return REFERENCE.test(value) ? { reference: value } : { invalid: problem };
}

/**
 * The URLs requests were sent with, kept by tenantPathRewrite: Fastify's request.originalUrl
 * cannot be trusted for it, as its middleware runner overwrites it with the rewritten URL.
 */
const sentUrls = new WeakMap<object, string>();

type RawRequest = { url?: string };

/** For createFastifyApp's rewriteUrl: routes `/t/<tenant>/…` as `/…` when the path resolver is on. */
export function tenantPathRewrite(resolvers: readonly TenantResolverName[]): ((request: RawRequest) => string) | undefined {
  if (!resolvers.includes('path')) return undefined;
  return (request) => {
    const url = request.url ?? '/';
    const routed = withoutTenantPath(url);
    if (routed !== url) sentUrls.set(request, url);
    return routed;
  };
}

/** The URL as the client sent it, before tenantPathRewrite. */
export function sentUrl(request: RawRequest): string {
  return sentUrls.get(request) ?? request.url ?? '/';
}
