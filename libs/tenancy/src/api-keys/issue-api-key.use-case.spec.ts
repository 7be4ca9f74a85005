import type { ApiKeyRecord, ApiKeyRepository, NewApiKey } from './api-key.repository';
import { apiKeyMatches, parseApiKey } from './api-key.format';
import { IssueApiKey, MAX_ACTIVE_API_KEYS } from './issue-api-key.use-case';

describe('IssueApiKey', () => {
  it('hands back the key once and gives the repository only its prefix and hash, with the limit', async () => {
    const createdAt = new Date('2026-12-01T00:00:00Z');
    const create = jest.fn(async (key: NewApiKey, _maxActive: number): Promise<ApiKeyRecord> => ({
      ...key,
      id: 'key-1',
      createdAt,
      lastUsedAt: null,
      revokedAt: null,
    }));
    const issued = await new IssueApiKey({ create } as unknown as ApiKeyRepository).execute('tenant-1');

    expect(issued).toEqual({ id: 'key-1', key: expect.any(String), prefix: parseApiKey(issued.key)?.prefix, createdAt });
    const [stored, maxActive] = create.mock.calls[0]!;
    expect(maxActive).toBe(MAX_ACTIVE_API_KEYS);
    expect(stored).toEqual({ tenantId: 'tenant-1', prefix: issued.prefix, secretHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(apiKeyMatches(issued.key, stored.secretHash)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(issued.key.slice(16));
  });
});
