import { TenantError } from '@app/tenancy';
import { CommandError } from './command-error';
import { EXIT_FAILED, EXIT_USAGE } from './exit-codes';
import { failureOf } from './failure';

describe('failureOf', () => {
  it('maps TenantError codes to exit 1 (refused as things stand) or 2 (cannot be honoured as asked)', () => {
    expect(failureOf(TenantError.notFound('x'))).toEqual({
      code: 'tenant_not_found',
      message: 'no tenant with id x',
      exitCode: EXIT_FAILED,
      details: { tenantId: 'x' },
    });
    expect(failureOf(TenantError.nameRejected('no letter'))?.exitCode).toBe(EXIT_USAGE);
    expect(failureOf(TenantError.busy('x'))?.exitCode).toBe(EXIT_FAILED);
  });

  it("keeps the CLI's own refusals and names an unreachable master; a bug is not a failure to map", () => {
    expect(failureOf(CommandError.usage('bad id'))).toEqual({ code: 'usage', message: 'bad id', exitCode: EXIT_USAGE });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(failureOf(refused)).toMatchObject({ code: 'unavailable', exitCode: EXIT_FAILED });
    expect(failureOf(new TypeError('x is undefined'))).toBeUndefined();
  });
});
