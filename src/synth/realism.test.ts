import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEcg } from '../io/wfdb/record.js';
import { REPO_ROOT } from '../test-utils/real-data.js';
import { CLASS_IDS } from './classes.js';
import { generateCohort } from './cohort.js';
import { STANDARD_12_LEADS } from './lead-projection.js';
import { spread, summariseEcg } from './realism.js';

const CHALLENGE = join(REPO_ROOT, 'test/fixtures/real/challenge2020');

describe('synthetic recordings against real 12-lead ECGs (PhysioNet Challenge 2020 fixtures, adults)', () => {
  const real = readdirSync(CHALLENGE)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => summariseEcg(readEcg(join(CHALLENGE, f.slice(0, -4)))));
  const synthetic = [
    ...generateCohort({
      patients: 60,
      seed: 5,
      fs: 500,
      duration: 10,
      leads: STANDARD_12_LEADS,
      classes: CLASS_IDS,
      noise: 'mixed',
    }),
  ]
    .filter((r) => r.ageYears >= 12)
    .map((r) => summariseEcg(r.ecg));

  it('gives adolescents a heart rate like adults at rest', () => {
    expect(real.length).toBe(28);
    const ratio = spread(synthetic.map((s) => s.hrBpm)).median / spread(real.map((s) => s.hrBpm)).median;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.4);
  });

  it('keeps lead amplitudes within a factor of two of real recordings', () => {
    for (const lead of ['I', 'II', 'V1', 'V2', 'V5']) {
      const ratio =
        spread(synthetic.map((s) => s.amplitudeMv[lead])).median / spread(real.map((s) => s.amplitudeMv[lead])).median;
      expect(ratio, lead).toBeGreaterThan(0.5);
      expect(ratio, lead).toBeLessThan(2);
    }
  });

  it('puts most power between 0.5 and 40 Hz like real recordings, without excess baseline or mains power', () => {
    const share = (xs: typeof real, band: number): number => spread(xs.map((s) => s.bandPower[band])).median;
    const ecgBand = (xs: typeof real): number => share(xs, 1) + share(xs, 2) + share(xs, 3);
    expect(ecgBand(synthetic)).toBeGreaterThan(0.8);
    expect(ecgBand(real)).toBeGreaterThan(0.8);
    expect(share(synthetic, 4)).toBeLessThan(0.05);
  });
});
