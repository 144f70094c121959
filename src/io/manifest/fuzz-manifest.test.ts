import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../../errors.js';
import { FIXTURE_REAL, REPO_ROOT } from '../../test-utils/real-data.js';
import { Rng } from '../../util/rng.js';
import { readCohort, validateCohort } from './read-cohort.js';

const SMALL = join(REPO_ROOT, 'test/fixtures/manifest/small');
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-manifest-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('manifest fuzzing', () => {
  it('turns 400 random edits of a manifest and its schema into problems or a cohort, never a crash', () => {
    const rng = new Rng(11);
    const manifest = readFileSync(join(SMALL, 'manifest.csv'), 'utf8').replaceAll('../../real/', `${FIXTURE_REAL}/`);
    const schema = readFileSync(join(SMALL, 'clinical-schema.json'), 'utf8');
    const alphabet = ',;"\n\r-.0123456789eMFx \u00e9';
    const mutate = (text: string): string => {
      const chars = [...text];
      for (let e = rng.int(1, 5); e > 0; e--) {
        const at = rng.int(0, chars.length - 1);
        const op = rng.int(0, 2);
        if (op === 0) chars[at] = alphabet[rng.int(0, alphabet.length - 1)]!;
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, alphabet[rng.int(0, alphabet.length - 1)]!);
      }
      return chars.join('');
    };
    const dir = join(tmp, 'c');
    mkdirSync(dir);
    copyFileSync(join(SMALL, 'clinical-schema.json'), join(dir, 'clinical-schema.json'));
    let invalid = 0;
    for (let trial = 0; trial < 400; trial++) {
      writeFileSync(join(dir, 'manifest.csv'), trial % 4 === 3 ? manifest : mutate(manifest));
      writeFileSync(join(dir, 'clinical-schema.json'), trial % 4 === 3 ? mutate(schema) : schema);
      const problems = validateCohort(dir);
      try {
        readCohort(dir);
        expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      } catch (e) {
        if (!(e instanceof FewbeatError)) throw new Error(`trial ${trial}: ${String(e)}`);
        expect(problems.some((p) => p.severity === 'error')).toBe(true);
        invalid++;
      }
    }
    expect(invalid).toBeGreaterThan(100);
  });
});
