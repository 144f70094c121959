import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { initBackend } from '../../runtime/backend.js';
import type { ModelConfigInput } from '../config.js';
import { relativeError } from '../kernels/test-utils/parity.js';
import { exportOnnx, ONNX_INPUTS, ONNX_OUTPUTS } from './export.js';
import { OnnxGraphBuilder } from './graph-builder.js';
import { OnnxModelSession } from './session.js';
import { exportedForward, randomInput, randomModel, tfjsForward } from './test-utils/onnx-parity.js';

/** max|onnx − tfjs| / max|tfjs| of every output, for a random model of this config. */
async function onnxErrors(configInput: ModelConfigInput, seed: number): Promise<Record<string, number>> {
  const model = randomModel(configInput, seed);
  const x = randomInput(model.config, seed);
  const expected = tfjsForward(model, x);
  const got = await exportedForward(model, x);
  model.dispose();
  return Object.fromEntries(ONNX_OUTPUTS.map((name) => [name, relativeError(got[name], expected[name])]));
}

const expectAllBelow = (errors: Record<string, number>, bound: number): void => {
  expect(Object.keys(errors)).toEqual([...ONNX_OUTPUTS]);
  for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(bound);
};

/** ONNX Runtime's loading with shape inference that fails on any mismatch with the declared shapes. */
const STRICT_LOADING: ort.InferenceSession.SessionOptions = {
  extra: { session: { strict_shape_type_inference: '1' } },
};

/** A small encoder with odd lengths, a stride of 3 and an even kernel. */
const oddEncoder = {
  samples: 123,
  blocks: [
    { out: 16, stride: 2, kernel: 5 },
    { out: 24, stride: 3, kernel: 4 },
  ],
};

describe('ONNX export', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it(
    'gives the same eval-mode outputs on ONNX Runtime as tfjs, to 1e-4, ' +
      'for late fusion (bench architecture, 200 samples)',
    async () => {
      expectAllBelow(await onnxErrors({ ecg: { samples: 200 } }, 3), 1e-4);
    },
  );

  it('handles the lead mask as extra channels, odd lengths and a hidden late-fusion layer', async () => {
    expectAllBelow(await onnxErrors({ ecg: { ...oddEncoder, leadMask: 'channels' }, fusionHidden: [32] }, 4), 1e-4);
  });

  it('runs any batch size through one session, each row as it would alone', async () => {
    const model = randomModel({ ecg: oddEncoder }, 10);
    const x = randomInput(model.config, 10);
    const { samples, leads } = model.config.ecg;
    const features = model.config.clinical.inputDim;
    const session = await OnnxModelSession.create(exportOnnx(model), { samples, leads, features });
    const all = await session.run(x);
    // the recording with 5 leads absent
    const row = <T extends Float32Array>(values: T, width: number): T => values.subarray(3 * width, 4 * width) as T;
    const alone = await session.run({
      batch: 1,
      ecg: row(x.ecg, samples * leads),
      leadMask: row(x.leadMask, leads),
      clinical: row(x.clinical, features),
    });
    await session.dispose();
    for (const name of ONNX_OUTPUTS)
      expect(relativeError(alone[name], row(all[name], alone[name].length)), name).toBeLessThan(1e-5);
    model.dispose();
  });

  it(
    "writes a graph that passes ONNX Runtime's strict shape and type " +
      'checks, with the documented inputs and outputs',
    async () => {
      const model = randomModel({ ecg: oddEncoder }, 11);
      const before = tf.memory().numTensors;
      const bytes = exportOnnx(model);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
      const session = await ort.InferenceSession.create(bytes, STRICT_LOADING);
      expect([...session.inputNames]).toEqual([...ONNX_INPUTS]);
      expect([...session.outputNames]).toEqual([...ONNX_OUTPUTS]);
      await session.release();
    },
  );

  it('strict loading refuses a graph whose declared output shape is wrong (so the check above has teeth)', async () => {
    const g = new OnnxGraphBuilder();
    g.node('Relu', ['x'], {}, 'y');
    const bytes = g.build('wrong', [{ name: 'x', shape: ['batch', 4] }], [{ name: 'y', shape: ['batch', 5] }], '');
    await expect(ort.InferenceSession.create(bytes, STRICT_LOADING)).rejects.toThrow(/Inferred=4 Declared=5/);
  });

  it('names a parameter the model lacks in a FewbeatError', async () => {
    const model = randomModel({ ecg: { samples: 64 } }, 12);
    const weights = new Map(model.getWeights());
    weights.delete('fusion.dense1.w');
    expect(() => exportOnnx({ config: model.config, getWeights: () => weights })).toThrow(
      /no parameter 'fusion\.dense1\.w'/,
    );
    model.dispose();
  });

  it('refuses to export a parameter holding NaN, naming it and the index', async () => {
    const model = randomModel({ ecg: { samples: 64 } }, 13);
    const weights = new Map(model.getWeights());
    const broken = tf.tensor1d(
      Float32Array.from(weights.get('ecg.embed.b')!.dataSync(), (v, i) => (i === 7 ? NaN : v)),
    );
    weights.set('ecg.embed.b', broken);
    expect(() => exportOnnx({ config: model.config, getWeights: () => weights })).toThrow(
      /parameter 'ecg\.embed\.b' holds NaN at index 7/,
    );
    broken.dispose();
    model.dispose();
  });

  it('tells which input has the wrong number of values for the batch', async () => {
    const model = randomModel({ ecg: { samples: 64 } }, 14);
    const x = randomInput(model.config, 14);
    const { samples, leads } = model.config.ecg;
    const session = await OnnxModelSession.create(exportOnnx(model), {
      samples,
      leads,
      features: model.config.clinical.inputDim,
    });
    model.dispose();
    await expect(session.run({ ...x, clinical: x.clinical.subarray(1) })).rejects.toThrow(
      /clinical has 143 values, expected batch 6 × 24/,
    );
    await expect(session.run({ ...x, batch: 5 })).rejects.toThrow(/ecg has 4608 values, expected batch 5 × 768/);
    await session.dispose();
  });
});
