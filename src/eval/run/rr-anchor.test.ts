import { describe, expect, it } from 'vitest';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { readEcg } from '../../io/wfdb/record.js';
import { realPath } from '../../test-utils/real-data.js';
import { BEAT_SYMBOLS } from '../../signal/qrs/ec57.js';
import { pnn50, rrFeatures } from '../../signal/rr-features.js';
import { nearestPrototype, rrIrregularity, standardisedVectors } from './rr-anchor.js';

describe('nearestPrototype', () => {
  it('assigns each query to the class whose support mean is nearest, by hand', () => {
    const v = (...x: number[]): Float32Array => Float32Array.from(x);
    // class 0 mean (0, 1), class 1 mean (4, 1)
    const support = [v(0, 0), v(0, 2), v(3, 1), v(5, 1)];
    expect(nearestPrototype(support, [0, 0, 1, 1], [v(1.9, 5), v(2.1, -5), v(10, 1)], 2)).toEqual([0, 1, 1]);
  });
});

describe('standardisedVectors', () => {
  it('centres and scales each feature over the pool, a missing value at the mean', () => {
    const out = standardisedVectors([
      [1, 10],
      [3, null],
      [5, 30],
    ]);
    const sd = Math.sqrt(8 / 3);
    expect(Array.from(out[0]!)).toEqual([Math.fround(-2 / sd), -1].map(Math.fround));
    expect(Array.from(out[1]!)).toEqual([0, 0]);
  });
});

const record201 = realPath('mitdb/201.hea')?.replace(/\.hea$/, '') ?? null;

describe.skipIf(!record201)('rrIrregularity on MLII of MIT-BIH 201 (cardiologists mark AF and sinus rhythm)', () => {
  const ann = readAnnotations(record201!, 'atr').annotations;
  const beatsIn = (a: number, b: number): number[] =>
    ann.filter((x) => BEAT_SYMBOLS.has(x.symbol) && x.sample >= a && x.sample < b).map((x) => x.sample - a);
  const window = (startS: number): { ecg: ReturnType<typeof readEcg>; reference: number[] } => {
    const from = startS * 360;
    return {
      ecg: readEcg(record201!, { from, to: from + 3600, channels: [0] }),
      reference: beatsIn(from, from + 3600),
    };
  };

  it('agrees with the RR features of the annotated beats, and is far more irregular in AF than in sinus rhythm', () => {
    // the annotations of 201 say AF ("(AFIB") from 0 to 378 s and sinus rhythm ("(N") from 385 to 477 s
    const sinus = window(400);
    const af = window(100);
    for (const w of [sinus, af]) {
      const [nrmssd, p50, tpr] = rrIrregularity(w.ecg);
      const ref = rrFeatures(w.reference, 360);
      expect(nrmssd).toBeCloseTo(ref.rmssd_ms / ref.mean_ms, 1);
      expect(p50).toBeCloseTo(pnn50(w.reference, 360), 1);
      expect(tpr).toBeCloseTo(ref.tpr, 0);
    }
    expect(rrIrregularity(af.ecg)[0]!).toBeGreaterThan(3 * rrIrregularity(sinus.ecg)[0]!);
  });
});
