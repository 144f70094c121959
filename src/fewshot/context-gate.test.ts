import { describe, expect, it } from 'vitest';
import type { Episode } from '../data/episode-sampler.js';
import { Rng } from '../util/rng.js';
import { classifyEpisode } from './classify-episode.js';
import { appendContext, contextGateSchema, decideContext, fitContextGate, leaveOneOutNll } from './context-gate.js';
import { NEAREST_PROTOTYPE, type FewShotHeadConfig } from './few-shot-head.js';
import { computePrototypes, prototypeProbabilities } from './prototypes.js';
import { fitSupportClassifier } from './support-classifier.js';
import { twoPassTotalVariance } from '../test-utils/two-pass-variance.js';

const v = (...x: number[]): Float32Array => Float32Array.from(x);

/** Leave-one-out NLL the slow way: prototypes rebuilt from scratch without each example. */
function bruteForceNll(vectors: readonly Float32Array[], labels: readonly number[]): number | null {
  const terms: number[] = [];
  vectors.forEach((x, i) => {
    const rest = vectors.filter((_, j) => j !== i);
    const restLabels = labels.filter((_, j) => j !== i);
    const present = [...new Set(restLabels)].sort((a, b) => a - b);
    if (!present.includes(labels[i] as number)) return;
    const prototypes = computePrototypes(
      rest,
      restLabels.map((y) => present.indexOf(y)),
      present.length,
    );
    const p = prototypeProbabilities(x, prototypes).probabilities[present.indexOf(labels[i] as number)] as number;
    terms.push(-Math.log(p));
  });
  return terms.length === 0 ? null : terms.reduce((a, b) => a + b, 0) / terms.length;
}

/** n children per class: an ECG part that does not tell the classes apart, a clinical part that does or not. */
function supportSet(
  nPerClass: number,
  clinicalSeparates: boolean,
  seed: number,
): { vectors: Float32Array[]; clinical: Float32Array[]; labels: number[] } {
  const rng = new Rng(seed);
  const vectors: Float32Array[] = [];
  const clinical: Float32Array[] = [];
  const labels: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < nPerClass; k++) {
      vectors.push(Float32Array.from({ length: 6 }, () => rng.normal()));
      // e.g. "after cardiac surgery" for class 0 only, plus noise fields
      clinical.push(
        Float32Array.from(
          { length: 4 },
          (_, f) => (f === 0 && clinicalSeparates ? (c === 0 ? 2 : -1) : 0) + 0.3 * rng.normal(),
        ),
      );
      labels.push(c);
    }
  }
  return { vectors, clinical, labels };
}

describe("leaveOneOutNll (the gate's score of a support set)", () => {
  it('matches a hand-computed two-class case on a line', () => {
    // class 0 = {0, 1}, class 1 = {2, 3}: the outer points are 1 from their own mate and 6.25 from the
    // other mean, the inner ones 1 and 2.25.
    const nll = leaveOneOutNll([v(0), v(1), v(2), v(3)], [0, 0, 1, 1], 2);
    expect(nll).toBeCloseTo((Math.log(1 + Math.exp(-5.25)) + Math.log(1 + Math.exp(-1.25))) / 2, 12);
  });

  it('matches prototypes rebuilt from scratch without each example (5-way 5-shot, 8 dimensions)', () => {
    const rng = new Rng(3);
    const labels = Array.from({ length: 25 }, (_, i) => i % 5);
    const vectors = labels.map((y) => Float32Array.from({ length: 8 }, (_, d) => (d === y ? 1.5 : 0) + rng.normal()));
    expect(leaveOneOutNll(vectors, labels, 5)).toBeCloseTo(bruteForceNll(vectors, labels) as number, 5);
  });

  it('skips examples whose class has no other example, and is null when no class has two', () => {
    const vectors = [v(0), v(1), v(5), v(9)];
    expect(leaveOneOutNll(vectors, [0, 0, 1, 2], 3)).toBeCloseTo(bruteForceNll(vectors, [0, 0, 1, 2]) as number, 9);
    expect(leaveOneOutNll([v(0), v(5)], [0, 1], 2)).toBeNull();
  });
});

describe('decideContext (does the clinical context separate these classes?)', () => {
  it('opens when the clinical context tells apart classes the ECG part cannot', () => {
    const s = supportSet(5, true, 1);
    const d = decideContext(s.vectors, s.clinical, s.labels, 3, 0.05);
    expect(d.used).toBe(true);
    expect(d.nllWith as number).toBeLessThan((d.nllWithout as number) - 0.05);
  });

  it('stays closed when the clinical context is noise, on most of 50 support sets', () => {
    const opened = Array.from({ length: 50 }, (_, seed) => supportSet(5, false, 100 + seed)).filter(
      (s) => decideContext(s.vectors, s.clinical, s.labels, 3, 0.05).used,
    ).length;
    expect(opened).toBeLessThan(10);
  });

  it('stays closed with one example per class, which cannot show it', () => {
    const s = supportSet(1, true, 2);
    expect(decideContext(s.vectors, s.clinical, s.labels, 3, 0.05)).toEqual({
      used: false,
      nllWithout: null,
      nllWith: null,
    });
  });
});

describe('fitContextGate (the clinical weight β from the share κ)', () => {
  const s = supportSet(10, true, 4);

  it('gives the weighted clinical vectors κ times the total variance of the space', () => {
    const gate = fitContextGate(s.vectors, s.clinical, 0.2, 0.05);
    if (!gate) throw new Error('expected a gate');
    const weighted = s.clinical.map((c) => c.map((x) => gate.weight * x));
    expect(twoPassTotalVariance(weighted)).toBeCloseTo(0.2 * twoPassTotalVariance(s.vectors), 4);
    expect(gate.margin).toBe(0.05);
  });

  it('is off at share 0 and when the clinical vectors do not vary', () => {
    expect(fitContextGate(s.vectors, s.clinical, 0, 0.05)).toBeNull();
    expect(
      fitContextGate(
        s.vectors,
        s.clinical.map(() => v(1, 0, 0, 1)),
        0.2,
        0.05,
      ),
    ).toBeNull();
  });
});

describe('contextGateSchema (a gate as config.json and banks record it)', () => {
  it('reads a gate and names the field of a bad one', () => {
    const gate = { share: 0.2, weight: 0.4, margin: 0.05 };
    expect(contextGateSchema.parse(gate)).toEqual(gate);
    const bad = contextGateSchema.safeParse({ ...gate, weight: -1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['weight']);
  });
});

describe('episodes with a context gate', () => {
  const s = supportSet(6, true, 5);
  // Support: the first 4 children of each class; queries: the last 2.
  const support = [0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15];
  const query = [4, 5, 10, 11, 16, 17];
  const episode: Episode = {
    index: 0,
    classes: ['jet', 'aflutter', 'svt'],
    support,
    supportLabels: support.map((i) => s.labels[i] as number),
    query,
    queryLabels: query.map((i) => s.labels[i] as number),
  };
  const gate = { share: 0.2, weight: 1, margin: 0.05 };
  const softmax: FewShotHeadConfig = { ...NEAREST_PROTOTYPE, classifier: 'support-softmax' };
  const probabilities = (config: FewShotHeadConfig, pool: Parameters<typeof classifyEpisode>[2]) =>
    classifyEpisode(config, episode, pool).predictions.map((p) => p.probabilities);

  it('fit the classifier on [x; β·c] for every support and query vector when the support set opens the gate', () => {
    const { head } = classifyEpisode({ ...softmax, contextGate: gate }, episode, s);
    expect(head.contextDecision?.used).toBe(true);
    const joined = s.vectors.map((x, i) => appendContext(x, s.clinical[i] as Float32Array));
    const classify = fitSupportClassifier(
      support.map((i) => joined[i] as Float32Array),
      episode.supportLabels,
      3,
    );
    expect(probabilities({ ...softmax, contextGate: gate }, s)).toEqual(
      query.map((i) => classify(joined[i] as Float32Array)),
    );
  });

  it('classify on the ECG space alone when the gate stays closed or there is none', () => {
    const noise = supportSet(6, false, 5);
    const closed = { ...softmax, contextGate: { ...gate, margin: 100 } };
    expect(classifyEpisode(closed, episode, noise).head.contextDecision?.used).toBe(false);
    expect(classifyEpisode(softmax, episode, noise).head.contextDecision).toBeNull();
    expect(probabilities(closed, noise)).toEqual(probabilities(softmax, { vectors: noise.vectors }));
  });
});
