import { describe, expect, it } from 'vitest';
import { pacingSpikes } from './pacing-spikes.js';

const FS = 500;
/** One beat window: Gaussians (amplitude mV, centre s, σ s) on `leads` leads scaled by `gains`. */
function beat(waves: Array<[number, number, number]>, gains: number[]): Float64Array[] {
  return gains.map((g) => {
    const y = new Float64Array(400);
    for (const [amp, mu, sigma] of waves)
      for (let i = 0; i < y.length; i++) y[i]! += g * amp * Math.exp(-((i / FS - mu) ** 2) / (2 * sigma ** 2));
    return y;
  });
}

describe('pacingSpikes', () => {
  it('finds a one-sample stimulus as tall as the R wave that reaches every lead at once', () => {
    const beats = beat(
      [
        [1, 0.3, 0.02],
        [-0.4, 0.36, 0.02],
      ],
      [1, 0.5, -0.8],
    );
    for (const y of beats) y[120]! += 1;
    expect(pacingSpikes(beats, FS)).toEqual([120]);
  });

  it('finds nothing in a narrow infant QRS (R σ = 7 ms, S σ = 6 ms)', () => {
    const beats = beat(
      [
        [1, 0.3, 0.007],
        [-0.4, 0.318, 0.006],
      ],
      [1, 0.5, -0.8],
    );
    expect(pacingSpikes(beats, FS)).toEqual([]);
  });

  it('ignores a spike on one lead of several (an artefact, not a stimulus)', () => {
    const beats = beat([[1, 0.3, 0.02]], [1, 0.5, -0.8]);
    beats[1]![100]! += 0.5;
    expect(pacingSpikes(beats, FS)).toEqual([]);
  });
});
