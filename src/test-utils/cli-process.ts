import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from './real-data.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'test-utils' ? [] : sourceFiles(path);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * A runnable copy of the `fewbeat` command compiled from the current TypeScript sources, for tests
 * that must run it as a real process (to kill it, or starve it of disk). esbuild transpiles each
 * file of `src/` one to one (no bundling) into `<tmp>/dist/`, beside links to the repository's
 * `data/`, `package.json` and `node_modules/`, so every `new URL('../../data/…', import.meta.url)`
 * and bare import resolves as it does from the package's own `dist/`. Returns the path of
 * `<tmp>/bin/fewbeat.js`; the folder is the caller's to remove.
 */
export async function buildCliForChildProcess(): Promise<{ root: string; bin: string }> {
  const root = mkdtempSync(join(tmpdir(), 'fewbeat-cli-'));
  const src = join(REPO_ROOT, 'src');
  await build({
    entryPoints: sourceFiles(src),
    outdir: join(root, 'dist'),
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    bundle: false,
    logLevel: 'error',
  });
  for (const name of ['data', 'package.json', 'node_modules']) symlinkSync(join(REPO_ROOT, name), join(root, name));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(REPO_ROOT, 'bin', 'fewbeat.js'), join(root, 'bin', 'fewbeat.js'));
  return { root, bin: join(root, 'bin', 'fewbeat.js') };
}

/** `relative()` for messages: a path shown from the repository root. */
export function fromRepo(path: string): string {
  return relative(REPO_ROOT, path);
}
