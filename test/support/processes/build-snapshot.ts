import { cpSync, existsSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');

export type BuiltApp = 'api' | 'worker' | 'tenant-api';

const mainOf = (root: string, app: BuiltApp) => path.join(root, 'dist/apps', app, 'src/main.js');

/**
 * A copy of dist/ in `dir`, with a link to the repository's node_modules: the processes run from
 * it, so a rebuild in the work tree during a run (`nest build` deletes dist/ first) cannot pull
 * files from under them.
 */
export class BuildSnapshot {
  constructor(readonly dir: string) {}

  take(): void {
    for (const app of ['api', 'worker'] as const) {
      if (!existsSync(mainOf(REPO, app))) throw new Error(`no ${app} in dist/: run \`npm run build\``);
    }
    cpSync(path.join(REPO, 'dist'), path.join(this.dir, 'dist'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules'), path.join(this.dir, 'node_modules'));
  }

  script(app: BuiltApp): string {
    return mainOf(this.dir, app);
  }
}
