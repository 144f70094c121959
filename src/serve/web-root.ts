import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder with package.json), from this module's place in `src/serve/` or `dist/serve/`. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Where the built web app lives: the server serves its static files at `/` when the folder holds an
 * `index.html`. The web app's build writes `web/dist/`; a packaged build may copy it to `dist/web/`.
 * The first folder that exists wins. This is the one place that names these folders.
 */
export const WEB_ROOT_CANDIDATES: readonly string[] = [
  join(PACKAGE_ROOT, 'web', 'dist'),
  join(PACKAGE_ROOT, 'dist', 'web'),
];

/** The built web app's folder, or null when none is built. */
export function webRoot(): string | null {
  return WEB_ROOT_CANDIDATES.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}
