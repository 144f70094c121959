import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FewbeatError } from '../errors.js';
import { consistencyLoss } from '../losses/consistency.js';
import { contrastiveLoss } from '../losses/contrastive.js';
import { prototypicalLoss } from '../losses/prototypical.js';
import { prototypeLogProbs, classPrototypes } from '../losses/prototypes.js';
import { totalLoss } from '../losses/total.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../util/rng.js';
import { modelConfigSchema, type ModelConfig } from './config.js';
import { relativeError } from './kernels/test-utils/parity.js';
import { FewbeatModel, type ModelInput, type ModelOutput } from './model.js';
import { loadPreset } from './presets.js';

/** A small model that runs in milliseconds: 3 leads × 64 samples, two blocks, 6 clinical features. */
function tinyConfig(leadMask: 'rescale' | 'channels' = 'rescale'): ModelConfig {
  return modelConfigSchema.parse({
    ecg: {
      leads: 3,
      samples: 64,
      stemChannels: 8,
      stemKernel: 7,
      blocks: [
        { out: 8, stride: 2, kernel: 5 },
        { out: 16, stride: 2, kernel: 3 },
      ],
      embedDim: 16,
      leadMask,
    },
    clinical: { inputDim: 6, hidden: [8], embedDim: 12 },
    fusionHidden: [10],
    projDim: 8,
  });
}

/** Seeded random input for a config: `batch` ECGs, all leads present unless `mask` says otherwise. */
function randomInput(config: ModelConfig, batch: number, seed: number, mask?: number[][]): ModelInput {
  const rng = new Rng(seed);
  const { leads, samples } = config.ecg;
  const ecg = Float32Array.from({ length: batch * samples * leads }, () => rng.normal());
  const clinical = Float32Array.from({ length: batch * config.clinical.inputDim }, () => rng.normal());
  return {
    ecg: tf.tensor3d(ecg, [batch, samples, leads]),
    leadMask: mask ? tf.tensor2d(mask) : (tf.ones([batch, leads]) as tf.Tensor2D),
    clinical: tf.tensor2d(clinical, [batch, config.clinical.inputDim]),
  };
}

const disposeInput = (x: ModelInput): void => tf.dispose([x.ecg, x.leadMask, x.clinical]);
const disposeOutput = (o: ModelOutput): void => tf.dispose(Object.values(o));

/** Overwrite every weight with N(0, 0.3²) noise, so zero-initialised fusion paths are live. */
function randomiseWeights(model: FewbeatModel, seed: number): void {
  const rng = new Rng(seed);
  const noise = new Map(
    [...model.getWeights()].map(([name, w]) => [
      name,
      tf.tensor(
        Float32Array.from({ length: w.size }, () => rng.normal(0, 0.3)),
        w.shape,
      ),
    ]),
  );
  model.setWeights(noise);
  tf.dispose([...noise.values()]);
}

/** The row-`row` values of output `key`, from a forward pass in eval mode. */
function evalRow(
  model: FewbeatModel,
  x: ModelInput,
  key: Exclude<keyof ModelOutput, 'logitScale'>,
  row: number,
): Float32Array {
  return tf.tidy(() => {
    const out = model.forward(x, { training: false })[key];
    return tf.slice(out, [row, 0], [1, out.shape[1]]).dataSync() as Float32Array;
  });
}

describe('FewbeatModel', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('builds the bench preset with exactly 424,577 trainable parameters', () => {
    // By hand (all convs bias-free; each BatchNorm has γ and β; Dense layers have biases):
    //   stem      7·12·32 + 2·32                                              =   2,752
    //   block 1   5·32·64 + 5·64·64 + 1·32·64 + 3·(2·64)                      =  33,152
    //   block 2   5·64·128 + 5·128·128 + 1·64·128 + 3·(2·128)                 = 131,840
    //   block 3   5·128·128 + 5·128·128 + 1·128·128 + 3·(2·128)               = 180,992
    //   ECG Dense 128·128 + 128                                               =  16,512
    //   clinical  24·64 + 64 + 64·128 + 128                                   =   9,920
    //   fusion    256·128 + 128                                               =  32,896
    //   heads     2·(128·64 + 64)                                             =  16,512
    //   log temperature s                                                     =       1
    //   total                                                                 = 424,577
    const model = new FewbeatModel(loadPreset('bench'), 0);
    expect(model.countParams()).toBe(424_577);
    const weights = model.getWeights();
    expect(weights.get('ecg.stem.conv.w')?.shape).toEqual([7, 12, 32]);
    expect(weights.get('ecg.block3.shortcut.conv.w')?.shape).toEqual([1, 128, 128]);
    expect(weights.get('fusion.dense1.w')?.shape).toEqual([256, 128]);
    // 10 BatchNorms × (running mean + running var) are weights but not trainable.
    expect(weights.size - model.trainableVariables().length).toBe(20);
    model.dispose();
  });

  it('feeds the lead mask as extra stem channels with leadMask = channels', () => {
    const model = new FewbeatModel(loadPreset('default'), 0);
    expect(model.getWeights().get('ecg.stem.conv.w')?.shape).toEqual([7, 24, 32]);
    expect(model.countParams()).toBe(424_577 + 7 * 12 * 32);
    model.dispose();
  });

  it('returns embeddings of the documented shapes, unit-norm projections and scale 1/0.07', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 3);
    const x = randomInput(config, 5, 1);
    const out = model.forward(x, { training: true });
    expect(out.ecgEmbedding.shape).toEqual([5, 16]);
    expect(out.clinicalEmbedding.shape).toEqual([5, 12]);
    expect(out.fused.shape).toEqual([5, 16]);
    expect(out.ecgProj.shape).toEqual([5, 8]);
    expect(out.clinProj.shape).toEqual([5, 8]);
    for (const proj of [out.ecgProj, out.clinProj]) {
      tf.tidy(() =>
        Array.from(tf.norm(proj, 'euclidean', 1).dataSync()).forEach((norm) => expect(norm).toBeCloseTo(1, 5)),
      );
    }
    expect(out.logitScale.dataSync()[0]).toBeCloseTo(1 / 0.07, 3);
    disposeOutput(out);
    disposeInput(x);
    model.dispose();
  });

  it('clamps the logit scale at 100', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 3);
    const weights = new Map(model.getWeights());
    const s = tf.scalar(9);
    weights.set('logit_scale', s);
    model.setWeights(weights);
    s.dispose();
    const x = randomInput(config, 2, 1);
    const out = model.forward(x, { training: false });
    expect(out.logitScale.dataSync()[0]).toBeCloseTo(100, 3);
    disposeOutput(out);
    disposeInput(x);
    model.dispose();
  });

  it('initialises identically from the same seed and differently from another', () => {
    const config = tinyConfig();
    const [a, b, c] = [new FewbeatModel(config, 42), new FewbeatModel(config, 42), new FewbeatModel(config, 43)];
    const flat = (m: FewbeatModel): number[] => [...m.getWeights().values()].flatMap((w) => Array.from(w.dataSync()));
    expect(flat(a)).toEqual(flat(b));
    expect(flat(a)).not.toEqual(flat(c));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('keeps h and u blind to the clinical input and g and v blind to the ECG, while z sees both', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 5);
    randomiseWeights(model, 9);
    const base = randomInput(config, 4, 1);
    const otherClinical = randomInput(config, 4, 2);
    const otherEcg = randomInput(config, 4, 3);
    const swapClinical = { ...base, clinical: otherClinical.clinical };
    const swapEcg = { ...base, ecg: otherEcg.ecg };
    const same = (x: ModelInput, key: Exclude<keyof ModelOutput, 'logitScale'>): boolean =>
      relativeError(evalRow(model, x, key, 0), evalRow(model, base, key, 0)) < 1e-6;
    expect(same(swapClinical, 'ecgEmbedding')).toBe(true);
    expect(same(swapClinical, 'ecgProj')).toBe(true);
    expect(same(swapEcg, 'clinicalEmbedding')).toBe(true);
    expect(same(swapEcg, 'clinProj')).toBe(true);
    expect(same(swapClinical, 'fused')).toBe(false);
    expect(same(swapEcg, 'fused')).toBe(false);
    [base, otherClinical, otherEcg].forEach(disposeInput);
    model.dispose();
  });

  it.each(['rescale', 'channels'] as const)('ignores the samples of absent leads (leadMask = %s)', (mode) => {
    const config = tinyConfig(mode);
    const model = new FewbeatModel(config, 5);
    const mask = [
      [1, 0, 1],
      [1, 1, 1],
    ];
    const x = randomInput(config, 2, 1, mask);
    const noisyLead = tf.tidy(() =>
      tf.add(x.ecg, tf.mul(tf.tensor3d([0, 50, 0], [1, 1, 3]), tf.randomNormal(x.ecg.shape, 0, 1, 'float32', 7))),
    ) as tf.Tensor3D;
    const y = { ...x, ecg: noisyLead };
    expect(relativeError(evalRow(model, y, 'fused', 0), evalRow(model, x, 'fused', 0))).toBeLessThan(1e-6);
    expect(relativeError(evalRow(model, y, 'fused', 1), evalRow(model, x, 'fused', 1))).toBeGreaterThan(1e-3);
    disposeInput(x);
    noisyLead.dispose();
    model.dispose();
  });

  it(
    'in eval mode gives each recording the same output whatever its ' +
      'batch mates, and leaves the running statistics alone',
    () => {
      const config = tinyConfig();
      const model = new FewbeatModel(config, 5);
      const warm = randomInput(config, 6, 4);
      tf.tidy(() => void model.forward(warm, { training: true }));
      const stats = (): number[] =>
        [...model.getWeights()].filter(([n]) => n.includes('running')).flatMap(([, w]) => Array.from(w.dataSync()));
      const before = stats();
      const x = randomInput(config, 3, 1);
      const alone = {
        ecg: tf.slice(x.ecg, [0, 0, 0], [1, -1, -1]) as tf.Tensor3D,
        leadMask: tf.slice(x.leadMask, [0, 0], [1, -1]) as tf.Tensor2D,
        clinical: tf.slice(x.clinical, [0, 0], [1, -1]) as tf.Tensor2D,
      };
      expect(relativeError(evalRow(model, alone, 'fused', 0), evalRow(model, x, 'fused', 0))).toBeLessThan(1e-5);
      expect(stats()).toEqual(before);
      [warm, x, alone].forEach(disposeInput);
      model.dispose();
    },
  );

  it('rejects input of the wrong shape with one line naming each tensor', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 5);
    const x = randomInput(config, 2, 1);
    const wrong = { ...x, clinical: tf.zeros([2, 5]) as tf.Tensor2D };
    expect(() => model.forward(wrong, { training: false })).toThrow(FewbeatError);
    expect(() => model.forward(wrong, { training: false })).toThrow(
      'model input: clinical has shape [2,5], expected [2,6]',
    );
    disposeInput(wrong);
    x.clinical.dispose();
    model.dispose();
  });

  it('leaks no tensors in training or eval forward passes', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 5);
    const x = randomInput(config, 3, 1);
    disposeOutput(model.forward(x, { training: true }));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      disposeOutput(model.forward(x, { training: true }));
      disposeOutput(model.forward(x, { training: false }));
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeInput(x);
    model.dispose();
  });
});

/**
 * One episode's loss as the trainer composes it: 2-way, 2-shot, 2-query, two views per query
 * (here the second view drops the clinical features, as metadata dropout would).
 */
function episodeLoss(model: FewbeatModel, x: ModelInput, dropped: ModelInput): tf.Scalar {
  const supportLabels = [0, 0, 1, 1];
  const queryLabels = [0, 1, 0, 1];
  const out = model.forward(x, { training: true });
  const view2 = model.forward(dropped, { training: true });
  const split = (t: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] => [
    tf.slice(t, [0, 0], [4, -1]),
    tf.slice(t, [4, 0], [4, -1]),
  ];
  const [support, query] = split(out.fused);
  const [, query2] = split(view2.fused);
  const proto = prototypicalLoss(support, supportLabels, query, queryLabels, 2);
  const prototypes = classPrototypes(support, supportLabels, 2);
  const contrastive = contrastiveLoss(out.ecgProj, out.clinProj, out.logitScale, {
    patientIds: [0, 1, 2, 3, 4, 5, 6, 6],
    labels: [...supportLabels, ...queryLabels],
    ageBands: [0, 1, 0, 1, 0, 1, 0, 0],
    beta: 0.5,
    gamma: 2,
  });
  const consistency = consistencyLoss(
    {
      queryLogProbsA: proto.logProbs,
      queryLogProbsB: prototypeLogProbs(query2, prototypes),
      ecgEmbeddingA: out.ecgEmbedding,
      ecgEmbeddingB: view2.ecgEmbedding,
    },
    0.5,
  );
  return totalLoss({ contrastive, class: proto.loss, consistency }, { lambda1: 1, lambda2: 0.5 });
}

describe('FewbeatModel training on wasm', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('lowers the total loss of a fixed episode in one Adam step and leaks no tensors across steps', () => {
    const config = tinyConfig();
    const model = new FewbeatModel(config, 7);
    const x = randomInput(config, 8, 1);
    const dropped = { ...x, clinical: tf.zerosLike(x.clinical) };
    const optimizer = tf.train.adam(3e-3);
    const lossAt = (): number => tf.tidy(() => episodeLoss(model, x, dropped).dataSync()[0]!);
    const step = (): void =>
      void optimizer.minimize(() => episodeLoss(model, x, dropped), false, model.trainableVariables());
    const initial = lossAt();
    step(); // also creates Adam's moment variables
    expect(lossAt()).toBeLessThan(initial);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(lossAt()).toBeLessThan(initial);
    optimizer.dispose();
    disposeInput(x);
    dropped.clinical.dispose();
    model.dispose();
  });
});

describe('FewbeatModel gradients', () => {
  afterAll(async () => {
    await initBackend('wasm');
  });

  it(
    'has a gradient whose projection on a random direction matches a ' + 'central difference of the loss (cpu)',
    async () => {
      await initBackend('cpu');
      const config = tinyConfig();
      const model = new FewbeatModel(config, 21);
      randomiseWeights(model, 22);
      const x = randomInput(config, 8, 3);
      const dropped = { ...x, clinical: tf.zerosLike(x.clinical) };
      const rng = new Rng(23);
      const names = model.trainableVariables().map((v) => [...model.getWeights()].find(([, w]) => w === v)![0]);
      const theta = new Map([...model.getWeights()].map(([name, w]) => [name, w.dataSync().slice() as Float32Array]));
      const direction = new Map(names.map((name) => [name, Float32Array.from(theta.get(name)!, () => rng.normal())]));
      const lossAt = (epsilon: number): number => {
        const shifted = new Map(
          [...theta].map(([name, values]) => {
            const r = direction.get(name);
            const shape = model.getWeights().get(name)!.shape;
            return [name, tf.tensor(r ? values.map((v, i) => v + epsilon * r[i]!) : values, shape)];
          }),
        );
        model.setWeights(shifted);
        tf.dispose([...shifted.values()]);
        return tf.tidy(() => episodeLoss(model, x, dropped).dataSync()[0]!);
      };
      // Small ε: ReLU kinks make larger steps disagree (measured: 2–7 % at ε = 1e-3, < 1 % at 1e-4, converging).
      const epsilon = 1e-4;
      const numerical = (lossAt(epsilon) - lossAt(-epsilon)) / (2 * epsilon);
      lossAt(0);
      const { grads } = tf.variableGrads(() => episodeLoss(model, x, dropped), model.trainableVariables());
      let analytic = 0;
      model.trainableVariables().forEach((v, i) => {
        const g = grads[v.name]!.dataSync();
        const r = direction.get(names[i]!)!;
        for (let k = 0; k < g.length; k++) analytic += g[k]! * r[k]!;
      });
      tf.dispose(Object.values(grads));
      expect(Math.abs(analytic)).toBeGreaterThan(0.1);
      expect(Math.abs(numerical - analytic) / Math.abs(analytic)).toBeLessThan(2e-2);
      disposeInput(x);
      dropped.clinical.dispose();
      model.dispose();
    },
  );

  it('computes the same gradients on wasm as on the cpu reference backend', async () => {
    const config = tinyConfig();
    const gradientsOn = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
      await initBackend(backend);
      const model = new FewbeatModel(config, 11);
      randomiseWeights(model, 12);
      const x = randomInput(config, 8, 2);
      const dropped = { ...x, clinical: tf.zerosLike(x.clinical) };
      const { grads } = tf.variableGrads(() => episodeLoss(model, x, dropped), model.trainableVariables());
      const values = model.trainableVariables().map((v) => grads[v.name]!.dataSync() as Float32Array);
      tf.dispose(Object.values(grads));
      disposeInput(x);
      dropped.clinical.dispose();
      model.dispose();
      return values;
    };
    const wasm = await gradientsOn('wasm');
    const cpu = await gradientsOn('cpu');
    const concat = (gs: Float32Array[]): Float32Array => Float32Array.from(gs.flatMap((g) => Array.from(g)));
    expect(relativeError(concat(wasm), concat(cpu))).toBeLessThan(1e-5);
    // Per variable too, except those whose true gradient is 0 (z's
    // last bias: prototype distances are translation-invariant).
    const scale = Math.max(...cpu.map((g) => Math.max(...Array.from(g, Math.abs))));
    const live = cpu.map((g) => Math.max(...Array.from(g, Math.abs)) > 1e-4 * scale);
    expect(live.filter(Boolean).length).toBeGreaterThan(cpu.length - 3);
    wasm.forEach((g, i) => live[i] && expect(relativeError(g, cpu[i]!)).toBeLessThan(1e-3));
  });
});
