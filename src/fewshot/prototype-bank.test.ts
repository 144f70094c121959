import { describe, expect, it } from 'vitest';
import { calibrateThreshold, classifyWithBank, enrollBank, parseBank, type BankExample } from './prototype-bank.js';
import { leaveOneOutNll } from './context-gate.js';
import { NEAREST_PROTOTYPE, type FewShotHeadConfig } from './few-shot-head.js';
import { computePrototypes, prototypeProbabilities } from './prototypes.js';

const ex = (cls: string, record: string, embedding: number[]): BankExample => ({
  class: cls,
  record,
  patientId: `p-${record}`,
  embedding,
});

describe('prototypes', () => {
  it('are the class means of the support embeddings', () => {
    const protos = computePrototypes(
      [Float32Array.of(0, 0), Float32Array.of(2, 4), Float32Array.of(10, 10)],
      [0, 0, 1],
      2,
    );
    expect(Array.from(protos[0] as Float32Array)).toEqual([1, 2]);
    expect(Array.from(protos[1] as Float32Array)).toEqual([10, 10]);
  });

  it('give softmax(−squared distance) probabilities (hand-computed)', () => {
    // distances 1 and 4: p = e^-1 / (e^-1 + e^-4)
    const { probabilities, distances } = prototypeProbabilities(Float32Array.of(1, 0), [
      Float32Array.of(0, 0),
      Float32Array.of(3, 0),
    ]);
    expect(distances).toEqual([1, 4]);
    expect(probabilities[0]).toBeCloseTo(Math.exp(-1) / (Math.exp(-1) + Math.exp(-4)), 12);
  });
});

/** The nearest-prototype head with an abstention threshold of 9 calibrated at 2 shots. */
const abstaining: FewShotHeadConfig = { ...NEAREST_PROTOTYPE, abstention: { quantile: 0.95, thresholds: { 2: 9 } } };

describe('prototype bank', () => {
  const bank = enrollBank(
    [ex('svt', 'a', [0, 0]), ex('svt', 'b', [0, 2]), ex('chb', 'c', [10, 0]), ex('chb', 'd', [10, 2])],
    abstaining,
  );

  it('classifies a query to the nearest prototype and lists the nearest support examples', () => {
    const p = classifyWithBank(bank, Float32Array.of(1, 1.5), 2);
    expect(p.predicted).toBe('svt');
    expect(p.abstained).toBe(false);
    expect(p.distances.svt).toBeCloseTo(1 + 0.25, 6);
    expect(p.nearestExamples.map((e) => e.record)).toEqual(['b', 'a']);
    expect((p.probabilities.svt as number) + (p.probabilities.chb as number)).toBeCloseTo(1, 12);
  });

  it('abstains with "unknown" when the query is farther than the threshold from every prototype', () => {
    const p = classifyWithBank(bank, Float32Array.of(4, 8), 1);
    expect(p.predicted).toBe('unknown');
    expect(p.nearestClass).toBe('svt');
    expect(p.abstained).toBe(true);
  });

  it('takes its probabilities from a softmax fitted on the support examples, keeping distances and abstention', () => {
    // Class means (0, 1) and (10, 1): the query (4, 1) is nearer svt, while the cosine-feature
    // softmax fitted on the support sees a direction closer to the chb examples' (≈ (1, 0.1)).
    const soft = enrollBank(bank.examples, { ...abstaining, classifier: 'support-softmax' });
    const p = classifyWithBank(soft, Float32Array.of(4, 1), 2);
    expect(classifyWithBank(bank, Float32Array.of(4, 1)).nearestClass).toBe('svt');
    expect(p.nearestClass).toBe('chb');
    expect(p.distances).toEqual(classifyWithBank(bank, Float32Array.of(4, 1)).distances);
    expect((p.probabilities.svt as number) + (p.probabilities.chb as number)).toBeCloseTo(1, 12);
    expect(classifyWithBank(soft, Float32Array.of(4, 8)).abstained).toBe(true);
    expect(parseBank(JSON.parse(JSON.stringify(soft)), 'b.json')).toEqual(soft);
  });

  it('reports probabilities at the calibrated temperature, with the same prediction and distances', () => {
    // Prototypes (0, 1) and (10, 1); the query (4, 1) is at squared distances 16 and 36, so the
    // prototype softmax gives p(svt) = 1/(1 + e^{−20}) and at T = 10 it gives 1/(1 + e^{−2}).
    const warm = enrollBank(bank.examples, { ...abstaining, probabilityTemperatures: { 1: 3, 2: 10, 5: 20 } });
    expect(warm.head.probabilityTemperatures).toEqual({ 2: 10 });
    const q = Float32Array.of(4, 1);
    const p = classifyWithBank(warm, q);
    expect(p.probabilities.svt).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    expect(p.nearestClass).toBe(classifyWithBank(bank, q).nearestClass);
    expect(p.distances).toEqual(classifyWithBank(bank, q).distances);
    expect(parseBank(JSON.parse(JSON.stringify(warm)), 'b.json')).toEqual(warm);
    expect(bank.head.probabilityTemperatures).toEqual({});
    expect(() => parseBank({ ...warm, head: { ...warm.head, probabilityTemperatures: { 2: -1 } } }, 'b.json')).toThrow(
      'b.json: head.probabilityTemperatures: temperatures are > 0',
    );
  });

  it("lets the child's clinical context into the classifier when the examples show it separates the classes", () => {
    // The ECG space cannot tell svt from jet (means (0, 1) both); the context can (jet children all carry 3, svt 0).
    const examples = [
      { ...ex('svt', 'a', [0, 0]), clinical: [0] },
      { ...ex('svt', 'b', [0, 2]), clinical: [0] },
      { ...ex('jet', 'c', [0, 0.2]), clinical: [3] },
      { ...ex('jet', 'd', [0, 1.8]), clinical: [3] },
    ];
    const gate = { share: 0.2, weight: 1, margin: 0.05 };
    const gated = enrollBank(examples, { ...NEAREST_PROTOTYPE, contextGate: gate });
    const labels = [1, 1, 0, 0]; // classes sorted: jet, svt
    expect(gated.head.contextGate).toEqual(gate);
    expect(gated.contextDecision).toEqual({
      used: true,
      nllWithout: leaveOneOutNll(
        examples.map((e) => Float32Array.from(e.embedding)),
        labels,
        2,
      ),
      nllWith: leaveOneOutNll(
        examples.map((e) => Float32Array.of(...e.embedding, ...e.clinical)),
        labels,
        2,
      ),
    });
    // With the query's context [3]: prototypes (0, 1, 3) for jet and (0, 1, 0) for svt, the query
    // (0, 1, 3) at distances 0 and 9.
    const withContext = classifyWithBank(gated, Float32Array.of(0, 1), 2, Float32Array.of(3));
    expect(withContext.contextUsed).toBe(true);
    expect(withContext.predicted).toBe('jet');
    expect(withContext.probabilities.jet).toBeCloseTo(1 / (1 + Math.exp(-9)), 12);
    // Distances and the nearest examples stay in the ECG space; without a context the classifier sees the ECG alone.
    const alone = classifyWithBank(gated, Float32Array.of(0, 1), 2);
    expect(alone.contextUsed).toBe(false);
    expect(alone.probabilities.jet).toBeCloseTo(0.5, 12);
    expect(withContext.distances).toEqual(alone.distances);
    expect(withContext.nearestExamples).toEqual(alone.nearestExamples);
    expect(parseBank(JSON.parse(JSON.stringify(gated)), 'b.json')).toEqual(gated);
    expect(() =>
      parseBank({ ...gated, examples: [{ ...examples[0], clinical: undefined }, ...examples.slice(1)] }, 'b.json'),
    ).toThrow('b.json: examples.0.clinical: every example needs a clinical vector of the same length');
    expect(() => classifyWithBank(gated, Float32Array.of(0, 1), 2, Float32Array.of(3, 1))).toThrow(
      'clinical vector has 2 values',
    );
    expect(() =>
      enrollBank([ex('svt', 'a', [0, 0]), ...examples.slice(1)], { ...NEAREST_PROTOTYPE, contextGate: gate }),
    ).toThrow('support example a: no clinical vector');
    // A context that does not separate the classes leaves the gate closed: the classifier ignores it.
    const noise = enrollBank(
      examples.map((e, i) => ({ ...e, clinical: [i % 2] })),
      { ...NEAREST_PROTOTYPE, contextGate: gate },
    );
    expect(noise.contextDecision?.used).toBe(false);
    expect(classifyWithBank(noise, Float32Array.of(0, 1), 2, Float32Array.of(3)).probabilities.jet).toBeCloseTo(
      0.5,
      12,
    );
  });

  it('refuses an embedding of another size and a file that is not a bank', () => {
    expect(() => classifyWithBank(bank, Float32Array.of(1, 2, 3))).toThrow(
      '2-dimensional prototypes but the model gives 3',
    );
    expect(() => parseBank({ format: 'x' }, 'b.json')).toThrow('b.json: not a fewbeat prototype bank');
    expect(parseBank(JSON.parse(JSON.stringify(bank)), 'b.json')).toEqual(bank);
    expect(() => parseBank({ ...bank, head: { ...bank.head, classifier: 'svm' } }, 'b.json')).toThrow(
      'b.json: head.classifier',
    );
    expect(() => parseBank({ ...bank, examples: [ex('afib', 'e', [0, 0])] }, 'b.json')).toThrow(
      'b.json: examples.0.class: "afib" is not enrolled',
    );
    expect(() =>
      parseBank(
        {
          ...bank,
          prototypes: [
            [0, Number.NaN],
            [1, 1],
          ],
        },
        'b.json',
      ),
    ).toThrow('b.json: prototypes.0.1');
  });

  it('refuses a bank of an older format version with the command that makes a new one', () => {
    expect(() => parseBank({ ...bank, version: 1 }, 'b.json')).toThrow(
      'b.json: bank format version 1, this fewbeat reads version 3: enroll the examples again with fewbeat enroll',
    );
  });

  it('refuses a bank file cut short or with a byte flipped, in one line naming the file', () => {
    const text = Buffer.from(`${JSON.stringify(bank)}\n`);
    const read = (bytes: Buffer): string => {
      try {
        parseBank(JSON.parse(bytes.toString('utf8')), 'b.json');
        return 'no error';
      } catch (e) {
        // A cut or flip that breaks the JSON is refused where the file is read (its JSON.parse error).
        return e instanceof SyntaxError ? 'b.json: not valid JSON' : (e as Error).message;
      }
    };
    expect(read(text)).toBe('no error');
    const damaged = [text.subarray(0, text.length >> 1), text.subarray(0, text.length - 3)];
    // Every digit of the file changed in turn keeps valid JSON: each must be refused by the hash or the schema.
    for (let at = 0; at < text.length; at++) {
      if (text[at]! < 0x30 || text[at]! > 0x39) continue;
      const flipped = Buffer.from(text);
      flipped[at] = text[at] === 0x39 ? 0x30 : text[at]! + 1;
      damaged.push(flipped);
    }
    expect(damaged.length).toBeGreaterThan(10);
    for (const bytes of damaged) {
      const message = read(bytes);
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toMatch(/^b\.json: /);
    }
    const tampered = { ...bank, prototypes: bank.prototypes.map((p) => p.map((v) => v + 1e-6)) };
    expect(() => parseBank(JSON.parse(JSON.stringify(tampered)), 'b.json')).toThrow(
      'b.json: content does not match its SHA-256: the file was changed or is corrupt; enroll the examples again',
    );
  });
});

describe('calibrateThreshold', () => {
  it('takes the interpolated quantile of validation own-class distances (numpy.quantile, linear)', () => {
    // numpy.quantile([1, 2, 3, 4, 10], 0.95) = 8.8
    expect(calibrateThreshold([10, 1, 3, 2, 4], 0.95)).toBeCloseTo(8.8, 12);
    expect(calibrateThreshold([5], 0.95)).toBe(5);
  });
});
