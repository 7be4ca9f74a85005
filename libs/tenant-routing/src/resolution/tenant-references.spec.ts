import { referenceFromHeader, referenceFromHost, referenceFromPath, withoutTenantPath } from './tenant-references';

describe('tenant references', () => {
  it.each([
    ['/t/acme/users', { reference: 'acme' }],
    ['/t/acme', { reference: 'acme' }],
    ['/t/acme?limit=2', { reference: 'acme' }],
    ['/t/0b9f6c7e-2c1a-4c55-9a55-5d2a4f1f3c11/users/1', { reference: '0b9f6c7e-2c1a-4c55-9a55-5d2a4f1f3c11' }],
    ['/users', undefined],
    ['/tx/acme/users', undefined],
    ['/t/', { invalid: expect.stringContaining('path segment') }],
    ['/t/a%20b/users', { invalid: expect.stringContaining('path segment') }],
    ['/t/%E0%A4%A/users', { invalid: expect.stringContaining('URL encoding') }],
  ])('reads %s from the path', (url, expected) => {
    expect(referenceFromPath(url)).toEqual(expected);
  });

  it.each([
    ['/t/acme/users', '/users'],
    ['/t/acme', '/'],
    ['/t/acme?limit=2', '/?limit=2'],
    ['/users/t/acme', '/users/t/acme'],
    ['/health', '/health'],
  ])('routes %s as %s', (url, routed) => {
    expect(withoutTenantPath(url)).toBe(routed);
  });

  it.each([
    ['acme.example.com', 'example.com', { reference: 'acme' }],
    ['ACME.Example.com:3002', 'example.com', { reference: 'acme' }],
    ['acme-corp.example.com', 'example.com', { reference: 'acme_corp' }],
    ['example.com', 'example.com', undefined],
    ['acme.other.com', 'example.com', undefined],
    ['a.b.example.com', 'example.com', { invalid: expect.stringContaining('one label') }],
    ['acme.example.com', undefined, undefined],
  ])('reads host %s under %s', (host, base, expected) => {
    expect(referenceFromHost(host, base)).toEqual(expected);
  });

  it('reads the header, and refuses a value that cannot name a tenant', () => {
    expect(referenceFromHeader({ 'x-tenant-id': 'acme' })).toEqual({ reference: 'acme' });
    expect(referenceFromHeader({})).toBeUndefined();
    expect(referenceFromHeader({ 'x-tenant-id': "acme'; drop" })).toEqual({ invalid: expect.any(String) });
    expect(referenceFromHeader({ 'x-tenant-id': ['a', 'b'] })).toEqual({ invalid: expect.any(String) });
  });
});
