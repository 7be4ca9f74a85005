import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

describe('answers that carry a secret', () => {
  const world = useRunningStack();

  it('tell every cache not to store a rotated password', async () => {
    const created = await createOrg(world.api, 'Rotation Ltd');
    await waitForStatus(world.api, created.id, ['ready']);
    const answer = await http(world.api, 'POST', `/org/${created.id}/credentials/rotate`);
    expect(answer.status).toBe(200);
    expect(answer.body.password).toEqual(expect.any(String));
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
