import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../runtime/backend.js';
import { modelConfigSchema, type ModelConfigInput } from '../config.js';
import { FewbeatModel } from '../model.js';
import { relativeError, randomArray } from '../kernels/test-utils/parity.js';
import { exportOnnx, ONNX_OUTPUTS } from './export.js';
import { OnnxModelSession } from './session.js';

const outputOf = {
  fused: 'fused', ecg_embedding: 'ecgEmbedding', clinical_embedding: 'clinicalEmbedding', ecg_proj: 'ecgProj', clin_proj: 'clinProj',
} as const;

/** Train-mode forwards move the BatchNorm running statistics away from their (0, 1) start. */
async function compareOnnxWithTfjs(configInput: ModelConfigInput, seed: number): Promise<Record<string, number>> {
  await initBackend('wasm');
  const config = modelConfigSchema.parse(configInput);
  const model = new FewbeatModel(config, seed);
  const batch = 6;
  const { samples, leads } = config.ecg;
  const features = config.clinical.inputDim;
  const ecg = Float32Array.from(randomArray(batch * samples * leads, seed + 1).map((v) => 0.5 * v + 0.2));
  const mask = new Float32Array(batch * leads).fill(1);
  mask[2] = 0;
  mask[leads + 5] = 0;
  mask.fill(0, 3 * leads + 1, 3 * leads + 6);
  const clinical = Float32Array.from(randomArray(batch * features, seed + 2));
  const input = { ecg: tf.tensor3d(ecg, [batch, samples, leads]), leadMask: tf.tensor2d(mask, [batch, leads]), clinical: tf.tensor2d(clinical, [batch, features]) };
  for (let i = 0; i < 3; i++) tf.dispose(Object.values(model.forward(input, { training: true })));
  const expected = model.forward(input, { training: false });
  const session = await OnnxModelSession.create(exportOnnx(model), { samples, leads, features });
  const got = await session.run({ batch, ecg, leadMask: mask, clinical });
  const errors: Record<string, number> = {};
  for (const name of ONNX_OUTPUTS) errors[name] = relativeError(got[name], expected[outputOf[name]].dataSync());
  await session.dispose();
  tf.dispose([...Object.values(expected), ...Object.values(input)]);
  model.dispose();
  return errors;
}

describe('ONNX export', () => {
  it('gives the same eval-mode outputs on ONNX Runtime as tfjs, to 1e-4 (bench architecture, 200 samples)', async () => {
    const errors = await compareOnnxWithTfjs({ ecg: { samples: 200 } }, 3);
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-4);
  });

  it('handles the lead mask as extra channels, odd lengths and a hidden fusion layer', async () => {
    const errors = await compareOnnxWithTfjs({ ecg: { samples: 123, leadMask: 'channels', blocks: [{ out: 16, stride: 2, kernel: 5 }, { out: 24, stride: 3, kernel: 4 }] }, fusionHidden: [32] }, 4);
    for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-4);
  });

  it('refuses fusion variants it cannot express yet, naming them', async () => {
    await initBackend('wasm');
    const model = new FewbeatModel(modelConfigSchema.parse({ fusion: 'early', ecg: { samples: 64 } }), 1);
    expect(() => exportOnnx(model)).toThrow(/late fusion only.*'early'/);
    model.dispose();
  });
});
