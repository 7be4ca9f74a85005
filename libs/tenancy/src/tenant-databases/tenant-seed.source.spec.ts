import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TenantSeedSource } from './tenant-seed.source';

describe('TenantSeedSource', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'tenant-seed-source-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const write = (file: string, content = 'exports.seed = async () => undefined;\n') =>
    writeFileSync(path.join(directory, file), content);

  it('holds no seeds when its directory is missing', async () => {
    const source = new TenantSeedSource(path.join(directory, 'missing'));
    expect(await source.getMigrations()).toEqual([]);
  });

  it('lists seeds in name order, by name without extension, ignoring other files', async () => {
    write('02_second.js');
    write('01_first.ts', 'export async function seed(): Promise<void> {}\n');
    write('01_first.js');
    write('README.md', '# not a seed');
    write('types.d.ts', 'export {};');
    const source = new TenantSeedSource(directory);
    expect((await source.getMigrations()).map((file) => source.getMigrationName(file))).toEqual(['01_first', '02_second']);
  });

  it('changes its fingerprint when a seed is edited', async () => {
    write('01_first.js');
    const source = new TenantSeedSource(directory);
    const before = await source.fingerprint();
    write('01_first.js', 'exports.seed = async (knex) => knex("users").insert({ name: "x" });\n');
    expect(await source.fingerprint()).not.toEqual(before);
  });

  it('loads the seed function, and names a file that has none', async () => {
    write('01_first.js');
    write('02_no_seed.js', 'exports.up = async () => undefined;\n');
    const source = new TenantSeedSource(directory);
    expect(typeof (await source.loadSeed('01_first.js'))).toBe('function');
    await expect(source.loadSeed('02_no_seed.js')).rejects.toThrow('tenant seed file 02_no_seed.js exports no seed(knex) function');
  });
});
