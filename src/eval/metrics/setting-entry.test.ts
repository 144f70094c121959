import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { Rng } from '../../util/rng.js';
import { ablationEntry, baselineEntry } from './comparison-entries.js';
import { MetricsJsonSchema } from './metrics-schema.js';
import type { QueryPrediction } from './pooled-predictions.js';
import { settingEntry } from './setting-entry.js';

const CLASSES = ['svt', 'wpw', 'chb', 'lqts', 'vt', 'avb1', 'pvc'];
const BANDS = ['neonate', '1-3y', '8-12y'];

/** Seeded fake episodes: `ways` classes drawn from CLASSES, `queries` per class, noisy softmax scores. */
function fakePredictions(
  seed: number,
  episodes: number,
  ways: number,
  queries: number,
  skill: number,
): QueryPrediction[] {
  const rng = new Rng(seed);
  const out: QueryPrediction[] = [];
  for (let e = 0; e < episodes; e++) {
    const episodeClasses = rng.shuffle([...CLASSES]).slice(0, ways);
    for (const trueClass of episodeClasses) {
      for (let q = 0; q < queries; q++) {
        const logits = episodeClasses.map((c) => (c === trueClass ? skill : 0) + rng.normal());
        const max = Math.max(...logits);
        const exps = logits.map((l) => Math.exp(l - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        out.push({
          episode: e,
          trueClass,
          episodeClasses,
          probabilities: exps.map((x) => x / sum),
          ageBand: rng.pick(BANDS),
        });
      }
    }
  }
  return out;
}

const setting = { split: 'novel', ways: 5, shots: 5, queries: 4 };

describe('settingEntry', () => {
  const predictions = fakePredictions(1, 40, 5, 4, 2);
  const entry = settingEntry(predictions, setting);

  it('has the shape of metrics.json settings[] and validates against the schema', () => {
    expect(MetricsJsonSchema.parse({ settings: [entry] }).settings[0]).toEqual(entry);
    expect(entry.episodes).toBe(40);
    expect(Object.keys(entry.per_class).sort()).toEqual([...CLASSES].sort());
    expect(Object.keys(entry.by_age_band)).toEqual(['neonate', '1-3y', '8-12y']);
    expect(Object.values(entry.by_age_band).reduce((a, b) => a + b.support, 0)).toBe(predictions.length);
    expect(Object.values(entry.per_class).reduce((a, b) => a + b.support, 0)).toBe(predictions.length);
    expect(entry.episode_accuracy.ci95[0]).toBeLessThan(entry.episode_accuracy.mean);
    expect(JSON.stringify(entry)).not.toMatch(/NaN|Infinity/);
  });

  it('computes each class AUROC only over queries whose episode offered that class', () => {
    const svt = predictions.filter((q) => q.episodeClasses.includes('svt'));
    const sizes = new Map<number, number>();
    for (const q of svt) sizes.set(q.episode, 0);
    // Mann–Whitney by brute force over the same population
    const pos = svt
      .filter((q) => q.trueClass === 'svt')
      .map((q) => q.probabilities[q.episodeClasses.indexOf('svt')] as number);
    const neg = svt
      .filter((q) => q.trueClass !== 'svt')
      .map((q) => q.probabilities[q.episodeClasses.indexOf('svt')] as number);
    let wins = 0;
    for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
    expect(entry.per_class.svt?.auroc).toBeCloseTo(wins / (pos.length * neg.length), 12);
  });

  it('gives 1.0 everywhere for perfect predictions', () => {
    const perfect = predictions.map((q) => ({
      ...q,
      probabilities: q.episodeClasses.map((c) => (c === q.trueClass ? 1 : 0)),
    }));
    const p = settingEntry(perfect, setting);
    expect([p.balanced_accuracy, p.auroc_macro, p.f1_macro, p.accuracy, p.episode_accuracy.mean]).toEqual([
      1, 1, 1, 1, 1,
    ]);
    expect(p.ece).toBeCloseTo(0, 12);
    expect(p.episode_accuracy.ci95).toEqual([1, 1]);
  });

  it('does not change when the classes of every episode are listed in another order', () => {
    const rng = new Rng(4);
    const permuted = predictions.map((q) => {
      const order = rng.shuffle(q.episodeClasses.map((_, j) => j));
      return {
        ...q,
        episodeClasses: order.map((j) => q.episodeClasses[j] as string),
        probabilities: order.map((j) => q.probabilities[j] as number),
      };
    });
    const p = settingEntry(permuted, { ...setting, classes: entry.classes });
    expect(p.balanced_accuracy).toBe(entry.balanced_accuracy);
    expect(p.auroc_macro).toBeCloseTo(entry.auroc_macro as number, 14);
    expect(p.confusion_matrix).toEqual(entry.confusion_matrix);
    expect(p.log_loss).toBeCloseTo(entry.log_loss as number, 12);
  });

  it('reports AUROC as null with a reason, not NaN, for a class never queried', () => {
    const p = settingEntry(predictions, { ...setting, classes: [...CLASSES, 'brugada'] });
    expect(p.per_class.brugada).toMatchObject({
      auroc: null,
      auroc_reason: 'the class was in no episode',
      support: 0,
      sensitivity: null,
    });
    expect(p.auroc_macro).toBeCloseTo(entry.auroc_macro as number, 14);
  });

  it('refuses a setting without predictions instead of returning NaN', () => {
    expect(() => settingEntry([], setting)).toThrow(/setting novel 5-way 5-shot has no query predictions/);
  });

  it('names the query when its true class is not among its episode classes', () => {
    const bad = [...predictions.slice(0, 3), { ...(predictions[3] as QueryPrediction), trueClass: 'afib' }];
    expect(() => settingEntry(bad, setting)).toThrow(
      /query 3 \(episode 0\): true class 'afib' is not one of the episode's classes/,
    );
    const nan = [{ ...(predictions[0] as QueryPrediction), probabilities: [Number.NaN, 0.5, 0.5, 0, 0] }];
    expect(() => settingEntry(nan, setting)).toThrow(/query 0 \(episode 0\): probability NaN/);
  });
});

describe('settingEntry with bootstrap intervals', () => {
  const predictions = fakePredictions(2, 30, 5, 4, 1.5);

  it('adds episode-bootstrap CIs that bracket the pooled values and are reproducible from the seed', () => {
    const a = settingEntry(predictions, setting, { bootstrap: { seed: 1, resamples: 200 } });
    const ci = a.bootstrap_ci95 as NonNullable<typeof a.bootstrap_ci95>;
    expect(ci.balanced_accuracy[0]).toBeLessThan(a.balanced_accuracy);
    expect(ci.balanced_accuracy[1]).toBeGreaterThan(a.balanced_accuracy);
    expect(ci.auroc_macro[0]).toBeLessThan(a.auroc_macro as number);
    expect(ci.auroc_macro[1]).toBeGreaterThan(a.auroc_macro as number);
    expect(ci.balanced_accuracy[1] - ci.balanced_accuracy[0]).toBeLessThan(0.25);
    expect(settingEntry(predictions, setting, { bootstrap: { seed: 1, resamples: 200 } }).bootstrap_ci95).toEqual(ci);
  });
});

describe('settingEntry on a scikit-learn reference case', () => {
  const reference = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/reference/metrics.json'), 'utf8')) as {
    cases: {
      n_classes: number;
      y_true: number[];
      y_score: number[][];
      balanced_accuracy: number;
      f1_macro: number;
      auroc_ovr_macro?: number;
      log_loss: number;
    }[];
  };

  it('matches balanced accuracy, macro F1, macro AUROC and log loss when every query shares one episode', () => {
    for (const c of reference.cases.filter((x) => x.auroc_ovr_macro !== undefined)) {
      const names = Array.from({ length: c.n_classes }, (_, k) => `c${k}`);
      const preds: QueryPrediction[] = c.y_true.map((t, i) => {
        const row = c.y_score[i] as number[];
        const sum = row.reduce((a, b) => a + b, 0);
        return {
          episode: 0,
          trueClass: names[t] as string,
          episodeClasses: names,
          probabilities: row.map((p) => p / sum),
        };
      });
      const e = settingEntry(preds, { split: 'novel', ways: c.n_classes, shots: 1, queries: 1, classes: names });
      expect(e.balanced_accuracy).toBeCloseTo(c.balanced_accuracy, 12);
      expect(e.f1_macro).toBeCloseTo(c.f1_macro, 12);
      expect(e.auroc_macro).toBeCloseTo(c.auroc_ovr_macro as number, 12);
      expect(e.log_loss).toBeCloseTo(c.log_loss, 8);
    }
  });
});

describe('baselineEntry and ablationEntry', () => {
  const full = fakePredictions(1, 60, 5, 4, 2.5);
  const weaker = fakePredictions(1, 60, 5, 4, 1.0); // same seed: same episodes and classes, less skill

  it('pair the variant with the full model over the same episodes, full minus variant', () => {
    const a = ablationEntry('no-contrastive', weaker, full, setting);
    const b = baselineEntry('ecg-only-protonet', weaker, full, setting);
    const fullEntry = settingEntry(full, setting);
    expect(a.difference_vs_full.mean).toBeCloseTo(fullEntry.episode_accuracy.mean - a.episode_accuracy.mean, 12);
    expect(a.difference_vs_full.ci95[0]).toBeGreaterThan(0);
    expect(b.balanced_accuracy).toBe(a.balanced_accuracy);
    expect(MetricsJsonSchema.parse({ settings: [fullEntry], baselines: [b], ablations: [a] })).toBeTruthy();
  });

  it('refuses a variant run on other episodes', () => {
    expect(() =>
      ablationEntry(
        'no-consistency',
        weaker.filter((q) => q.episode !== 7),
        full,
        setting,
      ),
    ).toThrow(/episode 7/);
  });
});
