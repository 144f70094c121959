/**
 * Test helpers for ONNX parity: a model with every parameter random, seeded input, and the
 * outputs of the tfjs eval-mode forward and of ONNX Runtime as typed arrays. Not part of the build.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../util/rng.js';
import { modelConfigSchema, type ModelConfigInput } from '../../config.js';
import { randomArray } from '../../kernels/test-utils/parity.js';
import { FewbeatModel, type ModelOutput } from '../../model.js';
import { exportOnnx, ONNX_OUTPUTS } from '../export.js';
import { OnnxModelSession, type OnnxInput, type OnnxOutput } from '../session.js';

const outputOf = {
  fused: 'fused',
  ecg_embedding: 'ecgEmbedding',
  clinical_embedding: 'clinicalEmbedding',
  ecg_proj: 'ecgProj',
  clin_proj: 'clinProj',
} as const satisfies Record<(typeof ONNX_OUTPUTS)[number], keyof ModelOutput>;

/**
 * A model whose every parameter is random (seeded): weights moved off their initial values by
 * N(0, 1/fan_in) (so that no zero-initialised path hides an error), γ, β
 * and biases by N(0, 0.2²), and each BatchNorm stream's running statistics drawn on their own
 * (μ ~ N(0, 0.3²), σ² ~ U(0.5, 2)), so that a graph reading the wrong statistics is off.
 */
export function randomModel(configInput: ModelConfigInput, seed: number): FewbeatModel {
  const model = new FewbeatModel(modelConfigSchema.parse(configInput), seed);
  const rng = new Rng(seed + 1000);
  const draw = (name: string, w: tf.Tensor): tf.Tensor => {
    const v = Float32Array.from(w.dataSync());
    const fanIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < v.length; i++) {
      if (name.endsWith('.running_var')) v[i] = rng.uniform(0.5, 2);
      else if (name.endsWith('.running_mean')) v[i] = rng.normal(0, 0.3);
      else v[i]! += rng.normal(0, w.rank >= 2 ? 1 / Math.sqrt(fanIn) : 0.2);
    }
    return tf.tensor(v, w.shape);
  };
  const weights = new Map([...model.getWeights()].map(([name, w]) => [name, draw(name, w)]));
  model.setWeights(weights);
  tf.dispose([...weights.values()]);
  return model;
}

/** Seeded input of 6 recordings with some leads missing (one recording has 5 of them absent). */
export function randomInput(config: FewbeatModel['config'], seed: number): OnnxInput {
  const batch = 6;
  const { samples, leads } = config.ecg;
  const ecg = Float32Array.from(randomArray(batch * samples * leads, seed + 1).map((v) => 0.5 * v + 0.2));
  const leadMask = new Float32Array(batch * leads).fill(1);
  leadMask[2] = 0;
  leadMask[leads + 5] = 0;
  leadMask.fill(0, 3 * leads + 1, 3 * leads + 6);
  const clinical = Float32Array.from(randomArray(batch * config.clinical.inputDim, seed + 2));
  return { batch, ecg, leadMask, clinical };
}

/** Every output of the tfjs eval-mode forward, as typed arrays. */
export function tfjsForward(model: FewbeatModel, x: OnnxInput): OnnxOutput {
  const { samples, leads } = model.config.ecg;
  const input = {
    ecg: tf.tensor3d(x.ecg, [x.batch, samples, leads]),
    leadMask: tf.tensor2d(x.leadMask, [x.batch, leads]),
    clinical: tf.tensor2d(x.clinical, [x.batch, model.config.clinical.inputDim]),
  };
  const out = model.forward(input, { training: false });
  const result = Object.fromEntries(
    ONNX_OUTPUTS.map((name) => [name, out[outputOf[name]].dataSync() as Float32Array]),
  ) as OnnxOutput;
  tf.dispose([...Object.values(out), ...Object.values(input)]);
  return result;
}

/** Every output of an exported model (`onnxBytes`) on ONNX Runtime, one thread. */
export async function onnxForward(
  onnxBytes: Uint8Array,
  config: FewbeatModel['config'],
  x: OnnxInput,
): Promise<OnnxOutput> {
  const session = await OnnxModelSession.create(onnxBytes, {
    samples: config.ecg.samples,
    leads: config.ecg.leads,
    features: config.clinical.inputDim,
  });
  try {
    return await session.run(x);
  } finally {
    await session.dispose();
  }
}

/** The export of `model` on ONNX Runtime. */
export function exportedForward(model: FewbeatModel, x: OnnxInput): Promise<OnnxOutput> {
  return onnxForward(exportOnnx(model), model.config, x);
}
