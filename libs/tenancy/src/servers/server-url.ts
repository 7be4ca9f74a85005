const SCHEMES = ['postgres:', 'postgresql:'];

/**
 * What is wrong with the provisioner URL given for a new server, if anything. The answer never
 * quotes the URL: it holds a password. A password passed as a query parameter is refused, as
 * parameters stay in the address every operator and tenant app sees.
 */
export function serverUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a postgres:// or postgresql:// URL';
  }
  if (!SCHEMES.includes(parsed.protocol)) return 'must be a postgres:// or postgresql:// URL';
  if (!parsed.hostname) return 'must name a host';
  if (parsed.searchParams.has('password')) return 'must carry its password before the @, not as a query parameter';
  return undefined;
}
