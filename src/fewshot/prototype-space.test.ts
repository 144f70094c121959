import { describe, expect, it } from 'vitest';
import { squaredDistance } from './prototypes.js';
import { MEASUREMENT_FEATURES, ORIGINAL_MEASUREMENT_FEATURES } from '../data/measurements.js';
import { describeSpace, inSpace, measurementSpace, prototypeSpaceSchema } from './prototype-space.js';

const e = {
  fused: [Float32Array.of(9, 9), Float32Array.of(0, 0)],
  ecg: [Float32Array.of(1, 2), Float32Array.of(4, 6)],
  clinical: [Float32Array.of(0, 1, 0), Float32Array.of(2, 1, 2)],
};

describe('inSpace', () => {
  it('returns the fused embeddings for the fused space', () => {
    expect(inSpace(e, { kind: 'fused' })).toBe(e.fused);
  });

  it('makes squared distances add up as d(h) + α·d(g) in the ecg+clinical space', () => {
    const [a, b] = inSpace(e, { kind: 'ecg+clinical', alpha: 0.3 }) as [Float32Array, Float32Array];
    // d(h) = 3² + 4² = 25, d(g) = 2² + 0 + 2² = 8
    expect(squaredDistance(a, b)).toBeCloseTo(25 + 0.3 * 8, 5);
    expect(inSpace(e, { kind: 'ecg+clinical', alpha: 0 })[0]).toEqual(Float32Array.of(1, 2));
  });
});

describe('measurementSpace', () => {
  // Two recordings: z_hr 1 and 3, everything else unmeasured (flag 1 in both, so no distance).
  const unmeasured = [null, null, null, null, null, null];
  const withMeasurements = {
    ...e,
    measurements: [
      [1, ...unmeasured],
      [3, ...unmeasured],
    ],
  };

  it('standardises each measurement over the recordings and weights it against h by α', () => {
    const space = measurementSpace(withMeasurements, 0.5);
    if (space?.kind !== 'ecg+measurements') throw new Error('expected a measurement space');
    expect(space.mean[0]).toBeCloseTo(2, 6);
    expect(space.sd[0]).toBeCloseTo(1, 6);
    // Σ var(h) = 1.5² + 2² = 6.25; Σ var(m̃) = var(±1) = 1, so w² = 0.5 · 6.25.
    expect(space.weight ** 2).toBeCloseTo(0.5 * 6.25, 5);
    const [a, b] = inSpace(withMeasurements, space) as [Float32Array, Float32Array];
    // d = d(h) + w²·d(m̃) = 25 + 3.125 · (1 − (−1))²
    expect(squaredDistance(a, b)).toBeCloseTo(25 + 3.125 * 4, 4);
  });

  it("centres h on the fitting recordings' mean and L2-normalises it, keeping h's spread (SimpleShot CL2N)", () => {
    // h = (0, 0), (4, 0), (2, 6): mean (2, 2); h − h̄ = (−2, −2), (2, −2), (0, 4), unit vectors
    // (−1, −1)/√2, (1, −1)/√2, (0, 1). Σ var(h) = 8/3 + 8 = 32/3; Σ var(u) = 1 − ‖mean u‖², as every ‖u‖ = 1.
    const three = {
      fused: [Float32Array.of(0), Float32Array.of(0), Float32Array.of(0)],
      ecg: [Float32Array.of(0, 0), Float32Array.of(4, 0), Float32Array.of(2, 6)],
      clinical: [Float32Array.of(0), Float32Array.of(0), Float32Array.of(0)],
      measurements: [
        [1, ...unmeasured],
        [3, ...unmeasured],
        [2, ...unmeasured],
      ],
    };
    const space = measurementSpace(three, 0.5);
    if (space?.kind !== 'ecg+measurements') throw new Error('expected a measurement space');
    expect(space.centre).toEqual([2, 2]);
    const r = Math.SQRT1_2;
    const units = [
      [-r, -r],
      [r, -r],
      [0, 1],
    ];
    const meanU = [0, (1 - 2 * r) / 3];
    const varU = 1 - (meanU[1] as number) ** 2;
    expect(space.scale).toBeCloseTo(Math.sqrt(32 / 3 / varU), 6);
    const vectors = inSpace(three, space);
    vectors.forEach((v, i) => {
      expect(v[0]).toBeCloseTo((space.scale as number) * (units[i]?.[0] as number), 5);
      expect(v[1]).toBeCloseTo((space.scale as number) * (units[i]?.[1] as number), 5);
    });
    // A new recording's ĥ depends only on its own h: the space is inductive.
    const alone = inSpace(
      { ...three, ecg: [Float32Array.of(4, 0)], measurements: [[3, ...unmeasured]] },
      space,
    )[0] as Float32Array;
    expect(Array.from(alone)).toEqual(Array.from(vectors[1] as Float32Array));
  });

  it('is unavailable without measurements (models that never see the clinical context)', () => {
    expect(measurementSpace(e, 0.5)).toBeNull();
    expect(measurementSpace({ ...e, measurements: [null, null] }, 0.5)).toBeNull();
  });

  // Three recordings with all twelve measurements: the original seven, then atrial rate, concentration,
  // ratio, log₂ unlocked ratio, then pNN50.
  const all = {
    fused: [Float32Array.of(0), Float32Array.of(0), Float32Array.of(0)],
    ecg: [Float32Array.of(0, 0), Float32Array.of(4, 0), Float32Array.of(2, 6)],
    clinical: [Float32Array.of(0), Float32Array.of(0), Float32Array.of(0)],
    measurements: [
      [1, 0, 0, 0, 0.1, 0.1, 0.6, 300, 0.6, 2, -0.6, 0.1, 0.9],
      [3, 1, 0, 1, 0.2, 0.1, 0.7, 200, 0.3, 1, 1.2, 0.5, 0.1],
      [2, 2, 1, 0, 0.1, 0.3, 0.8, null, null, null, null, 0.3, 0.5],
    ],
  };

  it('names the measurements it holds, all of MEASUREMENT_FEATURES by default, each with its mean and sd', () => {
    const space = measurementSpace(all, 0.5);
    if (space?.kind !== 'ecg+measurements') throw new Error('expected a measurement space');
    expect(space.features).toEqual([...MEASUREMENT_FEATURES]);
    expect(space.mean).toHaveLength(MEASUREMENT_FEATURES.length);
    expect(space.mean[7]).toBeCloseTo(250, 9);
    expect(space.sd[7]).toBeCloseTo(50, 9);
    // [ĥ (2); 13 standardised values with 13 missingness flags]; recording 3 has no atrial values (flags 1).
    const v = inSpace(all, space)[2] as Float32Array;
    expect(v).toHaveLength(2 + 26);
    expect(Array.from(v.slice(2 + 14, 2 + 22))).toEqual(
      Array.from(Float32Array.of(0, space.weight, 0, space.weight, 0, space.weight, 0, space.weight)),
    );
    expect(describeSpace(space)).toMatch(
      /age\/sex-normalised ECG measurements, atrial activity, AV dissociation and P-wave repeatability/,
    );
  });

  it('measures a chosen subset of the measurements, and checks a saved space with its schema', () => {
    const original = measurementSpace(all, 0.5, ORIGINAL_MEASUREMENT_FEATURES);
    if (original?.kind !== 'ecg+measurements') throw new Error('expected a measurement space');
    expect(original.features).toEqual([...ORIGINAL_MEASUREMENT_FEATURES]);
    expect(inSpace(all, original)[0]).toHaveLength(2 + 14);
    expect(describeSpace(original)).not.toMatch(/atrial/);
    expect(prototypeSpaceSchema.parse(JSON.parse(JSON.stringify(original)))).toEqual(original);
    const { features: _features, ...unnamed } = original;
    expect(prototypeSpaceSchema.safeParse(unnamed).success).toBe(false);
  });
});
