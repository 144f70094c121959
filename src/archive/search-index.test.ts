import { describe, expect, it } from 'vitest';
import { bankHead, enrollBank, type BankExample } from '../fewshot/prototype-bank.js';
import { NEAREST_PROTOTYPE, type FewShotHeadConfig } from '../fewshot/few-shot-head.js';
import { Rng } from '../util/rng.js';
import type { LoadedIndex } from './index-format.js';
import { searchIndex } from './search-index.js';

const D = 6;

function syntheticIndex(n: number, rng: Rng): LoadedIndex {
  const vectors = new Float32Array(n * D);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal();
  return {
    dir: '',
    header: {
      format: 'fewbeat-archive-index',
      version: 2,
      model: { dir: '', configSha256: '0'.repeat(64) },
      dim: D,
      clinicalDim: 0,
      measurementFeatures: ['z_hr'],
      windowSeconds: 10,
    },
    vectors,
    clinical: new Float32Array(0),
    windows: Array.from({ length: n }, (_, i) => ({
      kind: 'window' as const,
      row: i,
      record: `r${i}`,
      sha256: String(i),
      window: null,
      key: String(i),
      patientId: null,
      labels: [],
      ageYears: null,
      sex: null,
      context: false,
      measurements: [i],
    })),
    skipped: [],
    duplicates: [],
    shards: 1,
  };
}

function bank(config: FewShotHeadConfig, rng: Rng) {
  const examples: BankExample[] = [];
  ['a', 'b', 'c'].forEach((c, k) => {
    for (let j = 0; j < 5; j++)
      examples.push({
        class: c,
        record: `${c}${j}`,
        patientId: `${c}${j}`,
        embedding: Array.from({ length: D }, (_, d) => rng.normal() + (d === k ? 2 : 0)),
      });
  });
  return enrollBank(examples, config);
}

/** The ranking by brute force: every window through the bank's head, sorted by probability then distance. */
function bruteForce(index: LoadedIndex, b: ReturnType<typeof bank>, c: number, top: number): string[] {
  const head = bankHead(b);
  const n = index.windows.length;
  const rows = Array.from({ length: n }, (_, i) => i);
  const p = head.predict({ vectors: rows.map((i) => index.vectors.subarray(i * D, (i + 1) * D)) });
  return rows
    .sort(
      (x, y) =>
        (p[y]?.probabilities[c] as number) - (p[x]?.probabilities[c] as number) ||
        (p[x]?.distances[c] as number) - (p[y]?.distances[c] as number),
    )
    .slice(0, top)
    .map((i) => `r${i}`);
}

describe('searchIndex', () => {
  it('ranks as the few-shot head does on every window, for the prototype classifier at a temperature', async () => {
    const rng = new Rng(5);
    const index = syntheticIndex(3000, rng);
    const b = bank({ ...NEAREST_PROTOTYPE, probabilityTemperatures: { '5': 2.5 } }, rng);
    const [search] = await searchIndex(index, b, { classes: ['b'], top: 25 });
    expect(search?.hits.map((h) => h.record)).toEqual(bruteForce(index, b, 1, 25));
  });

  it('ranks as the few-shot head does on every window, for the support-fitted softmax at a temperature', async () => {
    const rng = new Rng(6);
    const index = syntheticIndex(2000, rng);
    const b = bank({ ...NEAREST_PROTOTYPE, classifier: 'support-softmax', probabilityTemperatures: { '5': 0.7 } }, rng);
    const [search] = await searchIndex(index, b, { classes: ['c'], top: 10, chunk: 97 });
    expect(search?.hits.map((h) => h.record)).toEqual(bruteForce(index, b, 2, 10));
  });

  for (const classifier of ['prototype', 'support-softmax'] as const)
    it(`ranks a one-class bank (every probability 1) by distance to its prototype (${classifier})`, async () => {
      const rng = new Rng(9);
      const index = syntheticIndex(3000, rng);
      const examples = bank(NEAREST_PROTOTYPE, rng).examples.filter((e) => e.class === 'b');
      const one = enrollBank(examples, { ...NEAREST_PROTOTYPE, classifier });
      const [search] = await searchIndex(index, one, { top: 15 });
      expect(search?.hits.map((h) => h.record)).toEqual(bruteForce(index, one, 0, 15));
      expect(search?.hits.every((h) => h.probability === 1)).toBe(true);
    });

  it("leaves out the bank's own examples and names a class the bank does not hold", async () => {
    const rng = new Rng(8);
    const index = syntheticIndex(50, rng);
    const b = bank(NEAREST_PROTOTYPE, rng);
    // Put two of class a's examples into the archive: without leaving them out they would rank first.
    index.vectors.set(Float32Array.from(b.examples[0]?.embedding as number[]), 0);
    index.vectors.set(Float32Array.from(b.examples[1]?.embedding as number[]), D);
    const [kept] = await searchIndex(index, b, { classes: ['a'], top: 50, includeEnrolled: true });
    const [left] = await searchIndex(index, b, { classes: ['a'], top: 50 });
    expect(kept?.hits.map((h) => h.record).filter((r) => r === 'r0' || r === 'r1')).toHaveLength(2);
    expect(left?.hits.map((h) => h.record)).toEqual(
      kept?.hits.map((h) => h.record).filter((r) => r !== 'r0' && r !== 'r1'),
    );
    expect(left?.enrolledExcluded).toBe(2);
    await expect(searchIndex(index, b, { classes: ['zzz'] })).rejects.toThrow(
      /class zzz is not in the bank \(it holds a, b, c\)/,
    );
  });
});
