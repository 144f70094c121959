import { describe, expect, it } from 'vitest';
import { delineate } from './delineate.js';
import { CHILD_BEAT, type Wave } from './test-utils/gaussian-ecg.js';

const FS = 500;
const R = 250;

/** One median-beat lead (R at sample 250 of 650, 500 Hz): the waves times `gain`, plus a 5-µV ripple. */
function lead(waves: readonly Wave[], gain: number, phase: number): Float64Array {
  const x = new Float64Array(650);
  for (let i = 0; i < x.length; i++) {
    const t = (i - R) / FS;
    for (const w of waves) x[i]! += gain * w.amp * Math.exp(-((t - w.mu) ** 2) / (2 * w.sigma ** 2));
    x[i]! += 0.005 * Math.sin(2 * Math.PI * 7 * t + phase);
  }
  return x;
}

/** Median beats of three leads: the waves scaled by 1, 0.6 and −0.8. */
function beats(waves: readonly Wave[]): Float64Array[] {
  return [1, 0.6, -0.8].map((gain, l) => lead(waves, gain, l));
}

const ventricular = [CHILD_BEAT.q!, CHILD_BEAT.r, CHILD_BEAT.s!, CHILD_BEAT.t];

describe('delineate: P onset', () => {
  it('puts the P onset of a Gaussian P wave at 3σ before its centre', () => {
    const p = { amp: 0.15, mu: -0.14, sigma: 0.012 };
    const d = delineate(beats([p, ...ventricular]), R, FS, { rrSeconds: 0.8 });
    expect(Math.abs((d.pOnset! - R) / FS - (p.mu - 3 * p.sigma))).toBeLessThanOrEqual(0.01);
  });

  it('walks past the notch of a bifid P wave to the onset of its first lobe', () => {
    // two atrial lobes 36 ms apart: the spatial amplitude flattens between them at about half the P height
    const first = { amp: 0.09, mu: -0.176, sigma: 0.012 };
    const second = { amp: 0.15, mu: -0.14, sigma: 0.012 };
    const d = delineate(beats([first, second, ...ventricular]), R, FS, { rrSeconds: 0.8 });
    expect(Math.abs((d.pOnset! - R) / FS - (first.mu - 3 * first.sigma))).toBeLessThanOrEqual(0.01);
    const notchIgnored = delineate(beats([first, second, ...ventricular]), R, FS, {
      rrSeconds: 0.8,
      pNotchFraction: 1,
    });
    expect((notchIgnored.pOnset! - R) / FS).toBeGreaterThan(first.mu - 3 * first.sigma + 0.02);
  });
});

describe('delineate: T end', () => {
  const t = CHILD_BEAT.t;
  const waves = [CHILD_BEAT.p!, ...ventricular.slice(0, 3), t];
  const common = [1, 0.6, -0.8, 0.9, 0.7, -0.5].map((gain, l) => lead(waves, gain, l));

  it('puts the T end of a Gaussian T wave at 3σ after its centre', () => {
    const d = delineate(common, R, FS, { rrSeconds: 0.8 });
    expect(Math.abs((d.tEnd! - R) / FS - (t.mu + 3 * t.sigma))).toBeLessThanOrEqual(0.01);
  });

  it('does not let one lead with a late T wave set the global T end', () => {
    // a seventh lead whose T wave (40 % of the largest) comes 80 ms late: its tangent end alone, the latest,
    // put the T end 59 ms past the others' 3σ point before the wavelet agreement guard
    const odd = lead([...waves.slice(0, 4), { ...t, amp: 0.12, mu: t.mu + 0.08 }], 1, 7);
    const d = delineate([...common, odd], R, FS, { rrSeconds: 0.8 });
    expect(Math.abs((d.tEnd! - R) / FS - (t.mu + 3 * t.sigma))).toBeLessThanOrEqual(0.015);
  });
});
