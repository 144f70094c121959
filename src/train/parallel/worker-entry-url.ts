import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../util/atomic-write.js';

/**
 * The script a training worker runs. From the compiled package (`dist/`, what the CLI runs) it is
 * the sibling `worker-entry.js`. From the TypeScript sources (vitest runs `.ts` through vite,
 * which a worker thread cannot do) the entry and its imports are bundled once with esbuild (a
 * dev dependency, vite's own bundler) into `node_modules/.cache/fewbeat/`, where the bundle's bare
 * imports (`@tensorflow/tfjs`, …) resolve to the installed packages. The bundle is named by its
 * content hash, so concurrent test processes agree on it.
 */
export async function workerEntryUrl(): Promise<URL> {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new URL('./worker-entry.js', here);
  return bundledSourceEntry(fileURLToPath(new URL('./worker-entry.ts', here)));
}

let bundled: Promise<URL> | null = null;

function bundledSourceEntry(entry: string): Promise<URL> {
  bundled ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
    const code = (result.outputFiles[0] as { text: string }).text;
    const root = join(dirname(entry), '..', '..', '..');
    const dir = join(root, 'node_modules', '.cache', 'fewbeat');
    const file = join(dir, `train-worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileAtomic(file, code);
    }
    return pathToFileURL(file);
  })();
  return bundled;
}
