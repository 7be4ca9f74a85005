import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { MigrationLoadError } from '../postgres/migration-load.error';
import { assertTenantFilesLoad, TenantFilesUnloadableError } from './tenant-files.check';

const GOOD = 'exports.up = async () => undefined;\nexports.down = async () => undefined;\n';

describe('assertTenantFilesLoad', () => {
  let dir: string;
  const check = (migrationsDir = dir) =>
    assertTenantFilesLoad({ tenants: { migrationsDir, seedsEnabled: false } } as Parameters<typeof assertTenantFilesLoad>[0]);

  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'tenant-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes when every migration loads and exports up()', async () => {
    writeFileSync(path.join(dir, '001_good.js'), GOOD);
    await expect(check()).resolves.toBeUndefined();
  });

  it('names each file that cannot load, and each without up(), all at once', async () => {
    writeFileSync(path.join(dir, '001_good.js'), GOOD);
    writeFileSync(path.join(dir, '002_broken.js'), 'exports.up = async (knex) => {');
    writeFileSync(path.join(dir, '003_no_up.js'), 'exports.down = async () => undefined;');

    const error: unknown = await check().catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(TenantFilesUnloadableError);
    const message = (error as Error).message;
    expect(message).toContain(`TENANT_MIGRATIONS_DIR (${dir}) holds migrations that cannot be loaded`);
    expect(message).toContain('002_broken.js: ');
    expect(message).toContain('003_no_up.js exports no up(knex) function');
    expect(message).not.toContain('001_good');
  });

  it('says so when the folder cannot be read', async () => {
    await expect(check(path.join(dir, 'missing'))).rejects.toThrow(/TENANT_MIGRATIONS_DIR \(.*missing\) cannot be read/);
  });
});

describe('MigrationLoadError', () => {
  it('tells TypeScript read by a JavaScript-only process from a file that is broken', () => {
    const typeScript = new MigrationLoadError('/app/migrations/tenant/001_x.ts', new SyntaxError("Unexpected token '{'"));
    expect(typeScript.message).toBe(
      "001_x.ts in /app/migrations/tenant is TypeScript, which this process (compiled JavaScript) cannot load (Unexpected token '{')",
    );
    const broken = new MigrationLoadError('/app/dist/migrations/tenant/001_x.js', new SyntaxError('Unexpected end of input'));
    expect(broken.message).toBe('/app/dist/migrations/tenant/001_x.js cannot be loaded: Unexpected end of input');
  });
});
