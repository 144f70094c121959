import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../util/atomic-write.js';

/**
 * The script of worker `name` (a module beside `from`, the caller's `import.meta.url`). From the
 * compiled package (`dist/`, what the CLI runs) it is the sibling `<name>.js`. From the TypeScript
 * sources (vitest runs `.ts` through vite,
 * which a worker thread cannot do) the entry and its imports are bundled once with esbuild (a
 * dev dependency, vite's own bundler) into `node_modules/.cache/fewbeat/`, where the bundle's bare
 * imports (`@tensorflow/tfjs`, …) resolve to the installed packages. The bundle is named by its
 * content hash, so concurrent test processes agree on it.
 */
export async function workerEntryUrl(from: string, name: string): Promise<URL> {
  if (from.endsWith('.js')) return new URL(`./${name}.js`, from);
  return bundledSourceEntry(fileURLToPath(new URL(`./${name}.ts`, from)), name);
}

const bundled = new Map<string, Promise<URL>>();

/** The package root: the nearest folder above `file` with a package.json. */
function packageRoot(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

function bundledSourceEntry(entry: string, name: string): Promise<URL> {
  const known = bundled.get(entry);
  if (known) return known;
  const url = (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = (result.outputFiles[0] as { text: string }).text;
    const dir = join(packageRoot(entry), 'node_modules', '.cache', 'fewbeat');
    const file = join(dir, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file, code);
    }
    return pathToFileURL(file);
  })();
  bundled.set(entry, url);
  return url;
}
