import { HttpStatus } from '@nestjs/common';
import type { TenantStatus } from '@app/tenancy';
import { admissionRefusal } from './tenant-admission';

describe('admissionRefusal', () => {
  const refusal = (status: string) => admissionRefusal({ slug: 'acme', status: status as TenantStatus });

  it('lets requests reach a ready tenant', () => {
    expect(refusal('ready')).toBeUndefined();
  });

  it('answers 503 with Retry-After while a ready tenant is copied to another server, not once the registry names it', () => {
    const moving = { slug: 'acme', status: 'ready', operation: 'move', moveTarget: 'east' } as const;
    const answer = admissionRefusal({ ...moving, server: 'default' })!;
    expect(answer.error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(answer.retryAfterSeconds).toBeGreaterThan(0);
    expect(answer.error.message).toContain('being moved');
    expect(admissionRefusal({ ...moving, server: 'east' })).toBeUndefined();
  });

  it.each(['pending', 'provisioning'])('answers 503 with Retry-After while %s', (status) => {
    const answer = refusal(status)!;
    expect(answer.error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(answer.retryAfterSeconds).toBeGreaterThan(0);
    expect(answer.error.message).toContain(status);
  });

  it('answers 503 without Retry-After for a failed tenant', () => {
    const answer = refusal('failed')!;
    expect(answer.error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(answer.retryAfterSeconds).toBeUndefined();
  });

  it.each(['suspended', 'deleted'])('answers 403 naming any other status (%s)', (status) => {
    const answer = refusal(status)!;
    expect(answer.error.getStatus()).toBe(HttpStatus.FORBIDDEN);
    expect(answer.error.message).toBe(`tenant acme is ${status}`);
  });
});
