import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCohort } from '../io/manifest/read-cohort.js';
import { readEcg } from '../io/wfdb/record.js';
import { CLASS_IDS } from './classes.js';
import { generateCohort, type CohortOptions } from './cohort.js';
import { STANDARD_12_LEADS } from './lead-projection.js';
import { writeSyntheticCohort } from './write-synthetic-cohort.js';

const options: CohortOptions = {
  patients: 19,
  seed: 11,
  fs: 250,
  duration: 4,
  leads: STANDARD_12_LEADS,
  classes: CLASS_IDS,
  noise: 'mixed',
};
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'fewbeat-synth-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function allFiles(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const p = join(entry.parentPath, entry.name);
      out.set(p.slice(dir.length), readFileSync(p));
    }
  }
  return out;
}

describe('writeSyntheticCohort', () => {
  const a = tempDir();
  const tally = writeSyntheticCohort(a, options);

  it('writes byte-identical files for the same seed and version', () => {
    const b = tempDir();
    writeSyntheticCohort(b, options);
    const fa = allFiles(a);
    const fb = allFiles(b);
    expect([...fa.keys()].sort()).toEqual([...fb.keys()].sort());
    for (const [name, bytes] of fa) expect(bytes.equals(fb.get(name)!), name).toBe(true);
  });

  it('writes a cohort the manifest reader accepts, one child per class', () => {
    const cohort = readCohort(a);
    expect(cohort.rows.length).toBe(tally.recordings);
    expect(new Set(cohort.rows.map((r) => r.labels[0])).size).toBe(19);
    expect(readFileSync(join(a, 'COHORT.md'), 'utf8')).toContain('seed 11');
  });

  it('writes WFDB records that read back to the generated signals within the ADC step', () => {
    const first = generateCohort(options).next().value!;
    const ecg = readEcg(join(a, 'records', first.record));
    expect(ecg.fs).toBe(250);
    expect(ecg.leads).toEqual([...STANDARD_12_LEADS]);
    ecg.signals.forEach((x, l) => {
      for (let i = 0; i < x.length; i += 37)
        expect(Math.abs(x[i]! - first.ecg.signals[l]![i]!)).toBeLessThanOrEqual(0.0005 + 1e-9);
    });
  });

  it("keeps a child's traits across recordings: same age band, sex, history and morphology", () => {
    const byPatient = new Map<string, ReturnType<typeof generateCohort> extends Generator<infer R> ? R[] : never>();
    for (const r of generateCohort({ ...options, patients: 60 }))
      byPatient.set(r.patientId, [...(byPatient.get(r.patientId) ?? []), r]);
    const repeated = [...byPatient.values()].filter((rs) => rs.length > 1);
    expect(repeated.length).toBeGreaterThan(5);
    for (const [first, second] of repeated.map((rs) => [rs[0]!, rs[1]!] as const)) {
      expect(second.sex).toBe(first.sex);
      expect(second.ageYears - first.ageYears).toBeLessThan(31 / 365.25);
      expect(second.physiology.morphology).toEqual(first.physiology.morphology);
      expect(
        second.clinical.chd === null || first.clinical.chd === null || second.clinical.chd === first.clinical.chd,
      ).toBe(true);
      expect(second.ecg.signals[0]).not.toEqual(first.ecg.signals[0]);
    }
  });
});
