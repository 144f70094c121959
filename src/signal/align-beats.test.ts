import { describe, expect, it } from 'vitest';
import { alignBeats } from './align-beats.js';
import { CHILD_BEAT, gaussianEcg } from './test-utils/gaussian-ecg.js';

const RS_BEAT = { ...CHILD_BEAT, s: { amp: -1.1, mu: 0.022, sigma: 0.007 } };

describe('alignBeats', () => {
  it('moves fiducials that jumped to the S wave back onto the R peak of every beat', () => {
    const { ecg, rPeaks } = gaussianEcg(RS_BEAT, { hrBpm: 75, noise: 0.01 });
    // a detector that put every third beat on the S wave (22 ms late) and one beat 6 ms early
    const jumped = rPeaks.map((r, i) => (i % 3 === 1 ? r + 11 : i === 4 ? r - 3 : r));
    const use = rPeaks.map((_, i) => i).filter((i) => i > 0 && i < rPeaks.length - 1);
    const aligned = alignBeats(ecg.signals, jumped, ecg.fs, use);
    for (const i of use) expect(aligned[i]).toBe(rPeaks[i]);
  });

  it('leaves well-placed fiducials where they are, and beats outside `use` untouched', () => {
    const { ecg, rPeaks } = gaussianEcg(CHILD_BEAT, { hrBpm: 90, noise: 0.02, seed: 3 });
    const use = [1, 2, 3, 4, 5, 6];
    const shifted = rPeaks.map((r, i) => (i === 0 ? r + 7 : r));
    expect(Array.from(alignBeats(ecg.signals, shifted, ecg.fs, use))).toEqual(shifted);
  });
});
