import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { renderDipole } from './dipole-model.js';
import { electrodesFromDipole, leadsFromElectrodes } from './electrodes.js';
import type { ChestLead } from './lead-projection.js';
import { addArtefacts } from './noise.js';

const FS = 500;
const N = 10 * FS;
const CHEST: ChestLead[] = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const heart = renderDipole(
  Array.from({ length: 12 }, (_, k) => ({
    centre: 0.4 + 0.8 * k,
    sigmaBefore: 0.01,
    sigmaAfter: 0.01,
    amplitude: [1, 0.6, 0.3] as const,
  })),
  FS,
  N,
);

/** Amplitude of the `hz` component of x (single-bin DFT). */
function amplitudeAt(x: Float64Array, hz: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / FS);
    im -= x[i]! * Math.sin((2 * Math.PI * hz * i) / FS);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

/** Leads II and V2 of artefacts alone (on a silent heart, so amplitude scaling adds nothing). */
function artefactOnly(mainsHz: 50 | 60, seed: number): Float64Array[] {
  const e = electrodesFromDipole(renderDipole([], FS, N), CHEST);
  addArtefacts(e, { level: 'high', fs: FS, mainsHz, respRateHz: 0.5 }, new Rng(seed));
  return leadsFromElectrodes(e, ['II', 'V2']);
}

describe('artefacts', () => {
  it("puts mains interference at the site's frequency, 50 or 60 Hz, standing out of the broadband noise", () => {
    /** Median amplitude of the whole-Hz bins 41–69 Hz other than 50 and 60: the broadband floor. */
    const floor = (x: Float64Array): number => {
      const bins = Array.from({ length: 29 }, (_, k) => 41 + k)
        .filter((f) => f !== 50 && f !== 60)
        .map((f) => amplitudeAt(x, f))
        .sort((p, q) => p - q);
      return bins[bins.length >> 1]!;
    };
    for (const seed of [1, 2, 3]) {
      for (const [site, other] of [
        [60, 50],
        [50, 60],
      ] as const) {
        const x = artefactOnly(site, seed)[0]!;
        expect(amplitudeAt(x, site)).toBeGreaterThan(5 * floor(x));
        expect(amplitudeAt(x, other)).toBeLessThan(3 * floor(x));
      }
    }
  });

  it('lets the baseline wander with breathing', () => {
    const x = artefactOnly(50, 4)[0]!;
    expect(amplitudeAt(x, 0.5)).toBeGreaterThan(3 * amplitudeAt(x, 2.5));
  });

  it('shows a chest electrode that came off as a flat lead', () => {
    let found = false;
    for (let seed = 0; seed < 300 && !found; seed++) {
      const e = electrodesFromDipole(heart, CHEST);
      addArtefacts(e, { level: 'high', fs: FS, mainsHz: 50, respRateHz: 0.5 }, new Rng(seed));
      for (const x of leadsFromElectrodes(e, CHEST)) {
        let run = 0;
        let longest = 0;
        for (const v of x) {
          run = Math.abs(v) < 1e-12 ? run + 1 : 0;
          longest = Math.max(longest, run);
        }
        if (longest >= FS) found = true;
      }
    }
    expect(found).toBe(true);
  });

  it('leaves the signal untouched at level none', () => {
    const e = electrodesFromDipole(heart, CHEST);
    const before = Float64Array.from(e.LA);
    addArtefacts(e, { level: 'none', fs: FS, mainsHz: 50, respRateHz: 0.5 }, new Rng(1));
    expect(e.LA).toEqual(before);
  });
});
