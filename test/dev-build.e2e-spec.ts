import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseConfigFileTextToJson } from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
/** A tsconfig, comments and all, as TypeScript reads it. */
const tsconfig = (file: string) => parseConfigFileTextToJson(file, readFileSync(path.join(ROOT, file), 'utf8')).config;

interface Asset {
  include: string;
  outDir: string;
}

/**
 * `npm run dev` builds the api into a directory of its own (scripts/tsconfig.dev-api.json), which
 * nest-cli.json's asset copy does not know: its own Nest configuration must copy the same assets
 * to the same place inside that directory, or the api cannot start (the console reads them).
 */
describe('npm run dev builds the api with its assets', () => {
  const build = json('nest-cli.json').compilerOptions.assets as Asset[];
  const dev = json('scripts/nest-cli.dev-api.json').compilerOptions.assets as Asset[];
  const devOutDir = path.join('scripts', tsconfig('scripts/tsconfig.dev-api.json').compilerOptions.outDir as string);
  // tsconfig.build.json extends tsconfig.json, which sets outDir.
  const buildOutDir = tsconfig('tsconfig.json').compilerOptions.outDir as string;

  it('copies every asset the build copies', () => {
    expect(dev.map((asset) => asset.include)).toEqual(build.map((asset) => asset.include));
  });

  it("puts each where the dev build's compiled code looks for it, as the build does in dist/", () => {
    build.forEach((asset, index) => {
      const insideBuild = path.relative(buildOutDir, asset.outDir);
      expect(path.normalize(dev[index]!.outDir)).toBe(path.join(devOutDir, insideBuild));
    });
  });
});
