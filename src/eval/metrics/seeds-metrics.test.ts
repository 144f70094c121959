import { describe, expect, it } from 'vitest';
import type { AblationJson, BaselineJson, SettingJson } from './metrics-schema.js';
import { seedsMetrics, type SeedRun } from './seeds-metrics.js';

/** An interval written out, so that the expected values below are plain numbers. */
const meanCi = (mean: number, lo: number, hi: number) => ({
  mean,
  ci95: [lo, hi] as [number, number],
  sd: 0.1,
  n: 600,
});

function setting(shots: number, acc: number, balanced: number, auroc: number | null, f1: number): SettingJson {
  return {
    split: 'novel',
    ways: 5,
    shots,
    queries: 10,
    episodes: 600,
    classes: ['jet', 'vt', 'aflutter', 'avb2_mobitz2', 'brugada'],
    episode_accuracy: meanCi(acc, acc - 0.01, acc + 0.01),
    balanced_accuracy: balanced,
    auroc_macro: auroc,
    f1_macro: f1,
    ece: 0.02,
    per_class: {},
    by_age_band: {},
  };
}

function comparison(name: string, shots: number, acc: number, diff: [number, number, number]): BaselineJson {
  return {
    name,
    split: 'novel',
    ways: 5,
    shots,
    balanced_accuracy: acc + 0.001,
    auroc_macro: 0.9,
    episode_accuracy: meanCi(acc, acc - 0.01, acc + 0.01),
    difference_vs_full: meanCi(...diff),
  };
}

/**
 * Three seeds of a 5-shot setting (and a 1-shot one, listed in another order by seed 2), a
 * supervised baseline, an ablation and a baseline that only seeds 1 and 2 have. The expected
 * figures were computed apart from the code, with numpy (mean, std(ddof=1)) and
 * scipy.stats.t.ppf(0.975, 2), from the per-seed values written here.
 */
const RUNS: SeedRun[] = [
  {
    seed: 1,
    metrics: {
      settings: [setting(1, 0.7, 0.7, 0.93, 0.69), setting(5, 0.86, 0.861, 0.98, 0.86)],
      baselines: [
        comparison('supervised-finetune', 5, 0.83, [0.03, 0.026, 0.034]),
        comparison('handcrafted-features', 5, 0.73, [0.13, 0.12, 0.14]),
      ],
      ablations: [comparison('no-contrastive', 5, 0.853, [0.007, 0.002, 0.012]) as AblationJson],
    },
  },
  {
    seed: 2,
    metrics: {
      settings: [setting(5, 0.83, 0.829, 0.96, 0.83), setting(1, 0.68, 0.68, 0.92, 0.67)],
      baselines: [
        comparison('handcrafted-features', 5, 0.72, [0.11, 0.1, 0.12]),
        comparison('supervised-finetune', 5, 0.833, [-0.003, -0.007, 0.001]),
      ],
      ablations: [comparison('no-contrastive', 5, 0.833, [-0.003, -0.008, 0.002]) as AblationJson],
    },
  },
  {
    seed: 3,
    metrics: {
      settings: [setting(1, 0.69, 0.69, 0.925, 0.68), setting(5, 0.84, 0.842, 0.97, 0.84)],
      baselines: [comparison('supervised-finetune', 5, 0.828, [0.012, 0.008, 0.016])],
      ablations: [comparison('no-contrastive', 5, 0.85, [-0.01, -0.015, -0.005]) as AblationJson],
    },
  },
];

describe('seedsMetrics', () => {
  const m = seedsMetrics(RUNS);
  const fiveShot = m.settings.find((s) => s.shots === 5);

  it('keeps every seed’s own row, with its episode CI, in the order of the seeds', () => {
    expect(m.seeds).toEqual([1, 2, 3]);
    expect(m.settings.map((s) => s.shots)).toEqual([1, 5]);
    expect(fiveShot?.per_seed.map((r) => [r.seed, r.episode_accuracy.mean, r.episode_accuracy.ci95])).toEqual([
      [1, 0.86, [0.86 - 0.01, 0.86 + 0.01]],
      [2, 0.83, [0.83 - 0.01, 0.83 + 0.01]],
      [3, 0.84, [0.84 - 0.01, 0.84 + 0.01]],
    ]);
    expect(fiveShot?.per_seed.map((r) => r.auroc_macro)).toEqual([0.98, 0.96, 0.97]);
  });

  it('pools the seeds: mean, SD (ddof = 1), min–max and the t interval of the per-seed values', () => {
    const acc = fiveShot?.across_seeds.episode_accuracy;
    expect(acc?.mean).toBeCloseTo(0.8433333333, 9);
    expect(acc?.sd).toBeCloseTo(0.0152752523, 9);
    expect([acc?.min, acc?.max, acc?.n]).toEqual([0.83, 0.86, 3]);
    expect(acc?.ci95[0]).toBeCloseTo(0.805387503, 6);
    expect(acc?.ci95[1]).toBeCloseTo(0.8812791637, 6);
    const balanced = fiveShot?.across_seeds.balanced_accuracy;
    expect(balanced?.mean).toBeCloseTo(0.844, 9);
    expect(balanced?.sd).toBeCloseTo(0.0160934769, 9);
    expect(balanced?.ci95[0]).toBeCloseTo(0.804021587, 6);
    const auroc = fiveShot?.across_seeds.auroc_macro;
    expect(auroc?.mean).toBeCloseTo(0.97, 9);
    expect(auroc?.ci95[1]).toBeCloseTo(0.9948413771, 6);
  });

  it('pools each baseline’s paired differences: the mean of the per-seed differences, t interval across seeds', () => {
    const sft = m.baselines.find((b) => b.name === 'supervised-finetune');
    expect(sft?.per_seed.map((r) => r.difference_vs_full.mean)).toEqual([0.03, -0.003, 0.012]);
    const pooled = sft?.pooled_difference_vs_full;
    expect(pooled?.mean).toBeCloseTo(0.013, 9);
    expect(pooled?.sd).toBeCloseTo(0.0165227116, 9);
    expect(pooled?.ci95[0]).toBeCloseTo(-0.0280446911, 6);
    expect(pooled?.ci95[1]).toBeCloseTo(0.0540446911, 6);
    // seeds 1 and 3 have their own CI above zero; seed 2's includes it
    expect([pooled?.seeds_with_ci_above_zero, pooled?.seeds_with_ci_below_zero]).toEqual([2, 0]);
    expect(sft?.across_seeds.episode_accuracy.mean).toBeCloseTo(0.8303333333, 9);
    expect(sft?.across_seeds.episode_accuracy.ci95[0]).toBeCloseTo(0.8240817239, 6);
  });

  it('pools the ablations the same way and counts a seed whose CI lies below zero', () => {
    const pooled = m.ablations.find((a) => a.name === 'no-contrastive')?.pooled_difference_vs_full;
    expect(pooled?.mean).toBeCloseTo(-0.002, 9);
    expect(pooled?.sd).toBeCloseTo(0.0085440037, 9);
    expect(pooled?.ci95[0]).toBeCloseTo(-0.0232244819, 6);
    expect([pooled?.seeds_with_ci_above_zero, pooled?.seeds_with_ci_below_zero]).toEqual([1, 1]);
  });

  it('leaves out, and names, a comparison that not every seed has', () => {
    expect(m.baselines.map((b) => b.name)).toEqual(['supervised-finetune']);
    expect(m.left_out).toEqual(['handcrafted-features novel 5-way 5-shot: seeds 1, 2 only']);
  });

  it('writes down how it computed the pooled figures', () => {
    expect(m.statistics.pooled_difference).toMatch(/mean over seeds of each seed's paired difference/);
    expect(m.statistics.pooled_difference).toMatch(/t\(0\.975, S−1\)·SD\/√S/);
  });

  it('reports an undefined macro AUROC across seeds as null rather than NaN', () => {
    const runs = RUNS.map((r, i) => ({
      ...r,
      metrics: {
        ...r.metrics,
        settings: r.metrics.settings.map((s) => (i === 1 && s.shots === 5 ? { ...s, auroc_macro: null } : s)),
      },
    }));
    expect(seedsMetrics(runs).settings.find((s) => s.shots === 5)?.across_seeds.auroc_macro).toBeNull();
  });

  it('refuses one seed, a repeated seed and a seed without a setting the others have', () => {
    expect(() => seedsMetrics(RUNS.slice(0, 1))).toThrow(/at least two seeds, got 1/);
    expect(() => seedsMetrics([RUNS[0] as SeedRun, RUNS[0] as SeedRun])).toThrow(/seed 1 appears twice/);
    const missing = { ...(RUNS[1] as SeedRun), metrics: { ...(RUNS[1] as SeedRun).metrics, settings: [] } };
    expect(() => seedsMetrics([RUNS[0] as SeedRun, missing])).toThrow(/seed 2 has no novel 5-way 1-shot setting/);
  });
});
