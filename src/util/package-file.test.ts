import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageFile } from './package-file.js';

describe('packageFile', () => {
  it('finds a packaged file from a module in src/ and from a bundle in node_modules/.cache/', () => {
    const fromSource = packageFile('data/presets/default.json', import.meta.url);
    expect(existsSync(fromSource)).toBe(true);
    const bundle = pathToFileURL(fromSource.replace('data/presets/default.json', 'node_modules/.cache/fewbeat/w.mjs'));
    expect(packageFile('data/presets/default.json', bundle.href)).toBe(fromSource);
  });
});
