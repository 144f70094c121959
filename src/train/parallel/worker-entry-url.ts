import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { packageFile } from '../../util/package-file.js';

/**
 * The script of worker `name` (a module beside `from`, the caller's `import.meta.url`). From the
 * compiled package (`dist/`, what the CLI runs) it is the sibling `<name>.js`. From the TypeScript
 * sources (vitest runs `.ts` through vite,
 * which a worker thread cannot do) the entry and its imports are bundled once with esbuild (a
 * dev dependency, vite's own bundler) into `node_modules/.cache/fewbeat/`, where the bundle's bare
 * imports (`@tensorflow/tfjs`, …) resolve to the installed packages. The bundle is named by its
 * content hash, so concurrent test processes agree on it. A bundle that starts a worker of its own
 * (a training thread starting its trunk workers) no longer knows its modules' folders: the worker's
 * source is found by its name under `src/` (worker file names are unique).
 */
export async function workerEntryUrl(from: string, name: string): Promise<URL> {
  if (from.endsWith('.js')) return new URL(`./${name}.js`, from);
  if (from.endsWith('.ts')) return bundledSourceEntry(fileURLToPath(new URL(`./${name}.ts`, from)), name);
  const source = findSource(packageFile('src', from), `${name}.ts`);
  if (!source) throw new Error(`no worker source ${name}.ts under src/`);
  return bundledSourceEntry(source, name);
}

function findSource(dir: string, file: string): string | null {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile() && e.name === file) return join(dir, e.name);
    if (e.isDirectory()) {
      const found = findSource(join(dir, e.name), file);
      if (found) return found;
    }
  }
  return null;
}

const bundled = new Map<string, Promise<URL>>();

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
    const dir = packageFile(join('node_modules', '.cache', 'fewbeat'), pathToFileURL(entry).href);
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
