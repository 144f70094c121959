import { describe, expect, it } from 'vitest';
import type { MetricsJson } from '../metrics/metrics-schema.js';
import { targetChecks } from './project-targets.js';

const ci = (mean: number, lo: number, hi: number) => ({ mean, ci95: [lo, hi] as [number, number] });
const shape = { split: 'novel', ways: 5, shots: 5 };
const setting = {
  ...shape,
  queries: 10,
  episodes: 600,
  classes: ['svt'],
  episode_accuracy: ci(0.9, 0.89, 0.91),
  balanced_accuracy: 0.9,
  auroc_macro: 0.94,
  f1_macro: 0.9,
  ece: 0.05,
  per_class: {},
  by_age_band: {},
};

describe('targetChecks', () => {
  it('reports hits and misses of the 5-way 5-shot novel targets plainly', () => {
    const metrics: MetricsJson = {
      settings: [setting, { ...setting, shots: 1, balanced_accuracy: 0.5 }],
      baselines: [
        {
          name: 'ecg-only-protonet',
          ...shape,
          balanced_accuracy: 0.8,
          episode_accuracy: ci(0.8, 0.79, 0.81),
          difference_vs_full: ci(0.1, 0.09, 0.11),
        },
        {
          name: 'clinical-only',
          ...shape,
          balanced_accuracy: 0.9,
          episode_accuracy: ci(0.9, 0.89, 0.91),
          difference_vs_full: ci(0.0, -0.01, 0.01),
        },
      ],
      ablations: [
        {
          name: 'no-contrastive',
          ...shape,
          episode_accuracy: ci(0.88, 0.87, 0.89),
          difference_vs_full: ci(0.02, 0.01, 0.03),
        },
      ],
    };
    expect(targetChecks(metrics).map((c) => [c.measured, c.met])).toEqual([
      ['0.900', true],
      ['0.940', false],
      ['not beaten: clinical-only', false],
      ['0.020 (0.010 to 0.030)', true],
    ]);
  });

  it('says what was not evaluated instead of claiming a result', () => {
    expect(targetChecks({ settings: [], baselines: [], ablations: [] }).map((c) => c.met)).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });
});
