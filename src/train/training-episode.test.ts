import { describe, expect, it } from 'vitest';
import { ClinicalEncoder } from '../clinical/encode.js';
import type { Example } from '../data/dataset.js';
import type { Episode } from '../data/episode-sampler.js';
import { trainConfigSchema } from '../model-dir/train-config.js';
import { buildTrainingEpisode } from './training-episode.js';

const T = 20;
const L = 12;

/** Eight 12-lead recordings of four children, two classes; lead l of recording i is the constant i + 1 + l/100. */
function pool(): Example[] {
  return Array.from({ length: 8 }, (_, i) => ({
    index: i,
    record: `r${i}`,
    line: i + 2,
    recordPath: `r${i}.hea`,
    window: null,
    patientId: `p${i % 4}`,
    label: i % 2 === 0 ? 'a' : 'b',
    labels: [i % 2 === 0 ? 'a' : 'b'],
    ageBand: '5-8y',
    manifestSplit: null,
    ageYears: 6,
    sex: 'F',
    clinical: {},
    signal: Float32Array.from({ length: T * L }, (_v, k) => i + 1 + (k % L) / 100),
    mask: new Float32Array(L).fill(1),
  })) as Example[];
}

const episode: Episode = {
  index: 0,
  classes: ['a', 'b'],
  support: [0, 1],
  supportLabels: [0, 1],
  query: [2, 3],
  queryLabels: [0, 1],
};
const encoder = ClinicalEncoder.fit({ version: 1, fields: [] }, []);
const classes = new Map([
  ['a', 0],
  ['b', 1],
]);

/** Recorded leads of each row of a batch. */
function leadCounts(batch: { size: number; leadMask: Float32Array }): number[] {
  return Array.from({ length: batch.size }, (_v, b) =>
    batch.leadMask.subarray(b * L, (b + 1) * L).reduce((s, m) => s + m, 0),
  );
}

describe('buildTrainingEpisode with lead subsets', () => {
  it('shows every recording with all its leads by default', () => {
    const e = buildTrainingEpisode(episode, pool(), encoder, trainConfigSchema.parse({}), classes, 1);
    expect(leadCounts(e.clean).every((n) => n === L)).toBe(true);
  });

  it('shows every recording through 1, 2, 3 or 6 of its leads, in the clean batch and in both views, at rate 1', () => {
    const config = trainConfigSchema.parse({ leadSubsets: 1, polarityFlip: 0 });
    const e = buildTrainingEpisode(episode, pool(), encoder, config, classes, 1);
    for (const n of leadCounts(e.clean)) expect([1, 2, 3, 6]).toContain(n);
    // The views also drop leads at random (lead dropout), after the subset.
    for (const batch of [e.viewA, e.viewB]) {
      if (!batch) throw new Error('views expected with λ2 > 0');
      for (const n of leadCounts(batch)) expect(n).toBeLessThanOrEqual(6);
    }
    // The leads kept keep their values (no polarity flip asked for); the others are zero.
    const first = e.clean.ecg.subarray(0, T * L);
    const mask = e.clean.leadMask.subarray(0, L);
    for (let l = 0; l < L; l++) expect(first[5 * L + l]).toBeCloseTo(mask[l] === 1 ? 1 + l / 100 : 0, 6);
  });

  it('replays the same lead subsets from the same seed and episode (a resumed run takes the same steps)', () => {
    const config = trainConfigSchema.parse({ leadSubsets: 0.5 });
    const a = buildTrainingEpisode(episode, pool(), encoder, config, classes, 9);
    const b = buildTrainingEpisode(episode, pool(), encoder, config, classes, 9);
    expect(Array.from(a.clean.leadMask)).toEqual(Array.from(b.clean.leadMask));
    expect(Array.from(a.clean.ecg)).toEqual(Array.from(b.clean.ecg));
  });
});
