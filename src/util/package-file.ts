import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of `relative` (e.g. `data/presets`) in the fewbeat package that holds the module at `from`
 * (its `import.meta.url`): the nearest folder above it with a package.json. The same from `src/`,
 * `dist/` and the bundles that worker threads run under vitest (`node_modules/.cache/fewbeat/`).
 */
export function packageFile(relative: string, from: string): string {
  let dir = dirname(fileURLToPath(from));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(from)}`);
    dir = up;
  }
  return join(dir, relative);
}
