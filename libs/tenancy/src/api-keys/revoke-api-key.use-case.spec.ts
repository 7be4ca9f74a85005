import { TenantError } from '../errors/tenant-error';
import type { TenantEventsPublisher } from '../events/tenant-events.publisher';
import type { Tenant } from '../registry/tenant';
import type { TenantRepository } from '../registry/tenant.repository';
import type { ApiKeyRepository } from './api-key.repository';
import { RevokeApiKey } from './revoke-api-key.use-case';

describe('RevokeApiKey', () => {
  const tenants = { getById: jest.fn<Promise<Tenant>, [string]>() };
  const apiKeys = { revoke: jest.fn<Promise<boolean>, [string, string]>() };
  const events = { publishAccessChange: jest.fn<Promise<void>, [string, string, string?]>() };
  const revokeApiKey = new RevokeApiKey(
    tenants as unknown as TenantRepository,
    apiKeys as unknown as ApiKeyRepository,
    events as unknown as TenantEventsPublisher,
  );

  beforeEach(() => {
    jest.resetAllMocks();
    tenants.getById.mockImplementation(async (id) => ({ id, status: 'ready' }) as Tenant);
    events.publishAccessChange.mockResolvedValue(undefined);
  });

  it('revokes the key, then tells tenant apps to forget it', async () => {
    apiKeys.revoke.mockResolvedValue(true);
    await revokeApiKey.execute('tenant-1', 'key-1');
    expect(apiKeys.revoke).toHaveBeenCalledWith('tenant-1', 'key-1');
    expect(events.publishAccessChange).toHaveBeenCalledWith('tenant-1', 'api_key_revoked', 'key-1');
    expect(apiKeys.revoke.mock.invocationCallOrder[0]).toBeLessThan(events.publishAccessChange.mock.invocationCallOrder[0]!);
  });

  it('answers api_key_not_found, publishing nothing, when the tenant has no such active key', async () => {
    apiKeys.revoke.mockResolvedValue(false);
    await expect(revokeApiKey.execute('tenant-1', 'key-1')).rejects.toMatchObject({ code: 'api_key_not_found' });
    expect(events.publishAccessChange).not.toHaveBeenCalled();
  });

  it('answers tenant_not_found before touching any key', async () => {
    tenants.getById.mockRejectedValue(TenantError.notFound('tenant-9'));
    await expect(revokeApiKey.execute('tenant-9', 'key-1')).rejects.toMatchObject({ code: 'tenant_not_found' });
    expect(apiKeys.revoke).not.toHaveBeenCalled();
    expect(events.publishAccessChange).not.toHaveBeenCalled();
  });
});
