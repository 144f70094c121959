/**
 * ONNX export of a fewbeat model for inference (eval mode), so that Python, C++ and browser users
 * (onnxruntime, onnxruntime-web) can run it, and so that fewbeat can run inference on ONNX Runtime.
 *
 * The graph computes what `FewbeatModel.forward(x, { training: false })` computes:
 *
 *     inputs   ecg [batch, T, L], lead_mask [batch, L], clinical [batch, F]
 *     x'       = leadMask(ecg, lead_mask)                    (the model's 'rescale' or 'channels' mode)
 *     stem     = ReLU(ConvBN(x'))                            Conv on [batch, C, 1, T] (x' transposed, H = 1)
 *     blocks   y = ReLU(ConvBN₂(ReLU(ConvBN₁(x))) + ConvBN_shortcut(x))
 *     h        = Dense(mean over time)                       output `ecg_embedding`
 *     g        = clinical MLP(c)                             output `clinical_embedding`
 *     z        = fusion MLP([h; g])                          output `fused`
 *     u, v     = projections / max(‖·‖, 1e-6)                outputs `ecg_proj`, `clin_proj`
 *
 * Each BatchNorm (eval mode: running statistics) is folded into its bias-free convolution:
 *     W'[o] = W[o]·γ_o/√(σ²_o + ε),   b'_o = β_o − μ_o·γ_o/√(σ²_o + ε)
 * TensorFlow's 'same' padding is written out as explicit [left, right] pads (the input length is
 * fixed by the config). The 1-D convolutions are written as 2-D ones with height 1 (kernel [1, k]):
 * ONNX Runtime then applies its NCHWc layout and Conv+Add+ReLU fusions, which it does not for 1-D
 * Conv — measured on the bench model, one thread: 1,908 → 2,838 ECG/s. Weights are read by their names in the model (`ecg.block1.conv1.conv.w`, ...).
 * Supported: late fusion (the default and the "bench" preset). Early (FiLM) and cross-attention
 * fusion throw a FewbeatError.
 */
import type * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../../errors.js';
import type { FewbeatModel } from '../model.js';
import { conv1dGeometry } from '../kernels/conv1d.js';
import { OnnxGraphBuilder } from './graph-builder.js';

/** Names of the graph's inputs and outputs. */
export const ONNX_INPUTS = ['ecg', 'lead_mask', 'clinical'] as const;
export const ONNX_OUTPUTS = ['fused', 'ecg_embedding', 'clinical_embedding', 'ecg_proj', 'clin_proj'] as const;

/** The projections' norm floor: max(‖y‖², 1e-12) as in the model's projection head. */
const NORM_FLOOR = 1e-12;

class Exporter {
  private readonly g = new OnnxGraphBuilder();
  private readonly weights: Map<string, tf.Tensor>;

  constructor(private readonly model: FewbeatModel) {
    this.weights = model.getWeights();
  }

  private values(name: string): { data: Float32Array; shape: number[] } {
    const t = this.weights.get(name);
    if (!t) throw new FewbeatError(`ONNX export: the model has no parameter '${name}'`);
    return { data: t.dataSync() as Float32Array, shape: t.shape };
  }

  /** Conv1d [k, Cin, Cout] (no bias) + eval BatchNorm, folded into one ONNX Conv on [B, Cin, 1, T]. */
  private convBn(x: string, prefix: string, length: number, stride: number): { out: string; length: number } {
    const w = this.values(`${prefix}.conv.w`);
    const [k, cin, cout] = w.shape as [number, number, number];
    const gamma = this.values(`${prefix}.bn.gamma`).data;
    const beta = this.values(`${prefix}.bn.beta`).data;
    const mean = this.values(`${prefix}.bn.running_mean`).data;
    const variance = this.values(`${prefix}.bn.running_var`).data;
    const epsilon = this.model.config.batchNormEpsilon;
    const folded = new Float32Array(cout * cin * k); // [Cout, Cin, 1, k]
    const bias = new Float32Array(cout);
    for (let o = 0; o < cout; o++) {
      const scale = gamma[o]! / Math.sqrt(variance[o]! + epsilon);
      bias[o] = beta[o]! - mean[o]! * scale;
      for (let c = 0; c < cin; c++) for (let j = 0; j < k; j++) folded[(o * cin + c) * k + j] = w.data[(j * cin + c) * cout + o]! * scale;
    }
    const { outLength, padLeft, padRight } = conv1dGeometry(length, k, stride, 'same');
    const out = this.g.node('Conv', [x, this.g.constant(`${prefix}.w`, folded, [cout, cin, 1, k]), this.g.constant(`${prefix}.b`, bias, [cout])], {
      kernel_shape: [1, k], strides: [1, stride], pads: [0, padLeft, 0, padRight],
    });
    return { out, length: outLength };
  }

  private dense(x: string, prefix: string): string {
    const w = this.values(`${prefix}.w`);
    const b = this.values(`${prefix}.b`);
    return this.g.node('Gemm', [x, this.g.constant(`${prefix}.w`, w.data, w.shape), this.g.constant(`${prefix}.b`, b.data, b.shape)]);
  }

  /** Dense→ReLU for each hidden layer, then a linear Dense (the model's `Mlp`). */
  private mlp(x: string, prefix: string, layers: number): string {
    let h = x;
    for (let i = 1; i <= layers; i++) {
      h = this.dense(h, `${prefix}.dense${i}`);
      if (i < layers) h = this.g.node('Relu', [h]);
    }
    return h;
  }

  private normalise(y: string, output: string): string {
    const squared = this.g.node('ReduceSumSquare', [y], { axes: [1], keepdims: 1 });
    const floor = this.g.node('Max', [squared, this.g.constant(`norm_floor_${output}`, Float32Array.of(NORM_FLOOR), [])]);
    return this.g.node('Div', [y, this.g.node('Sqrt', [floor])], {}, output);
  }

  private leadMask(ecg: string, mask: string): string {
    const { leads, leadMask } = this.model.config.ecg;
    const perLead = this.g.node('Unsqueeze', [mask, this.g.int64Constant('axis_1', [1])]); // [B, 1, L]
    if (leadMask === 'channels') {
      const masked = this.g.node('Mul', [ecg, perLead]);
      const broadcast = this.g.node('Expand', [perLead, this.g.node('Shape', [ecg])]); // [B, T, L]
      return this.g.node('Concat', [masked, broadcast], { axis: 2 }); // [B, T, 2L]
    }
    const present = this.g.node('Max', [
      this.g.node('ReduceSum', [mask, this.g.int64Constant('axes_1', [1])], { keepdims: 1 }),
      this.g.constant('one', Float32Array.of(1), []),
    ]); // [B, 1]
    const gain = this.g.node('Div', [this.g.node('Mul', [perLead, this.g.constant('lead_count', Float32Array.of(leads), [])]), this.g.node('Unsqueeze', [present, this.g.int64Constant('axis_2', [2])])]); // [B, 1, L]
    return this.g.node('Mul', [ecg, gain]); // [B, T, L]
  }

  build(): Uint8Array {
    const c = this.model.config;
    if (c.fusion !== 'late') throw new FewbeatError(`ONNX export supports late fusion only; this model uses '${c.fusion}' fusion`);
    const { samples, leads, stemStride, blocks } = c.ecg;
    const channelsFirst = this.g.node('Transpose', [this.leadMask('ecg', 'lead_mask')], { perm: [0, 2, 1] }); // [B, C, T]
    const x0 = this.g.node('Unsqueeze', [channelsFirst, this.g.int64Constant('axis_2_of_4', [2])]); // [B, C, 1, T]
    const stem = this.convBn(x0, 'ecg.stem', samples, stemStride);
    let x = this.g.node('Relu', [stem.out]);
    let length = stem.length;
    blocks.forEach((block, i) => {
      const name = `ecg.block${i + 1}`;
      const first = this.convBn(x, `${name}.conv1`, length, block.stride);
      const main = this.convBn(this.g.node('Relu', [first.out]), `${name}.conv2`, first.length, 1);
      const shortcut = this.convBn(x, `${name}.shortcut`, length, block.stride);
      x = this.g.node('Relu', [this.g.node('Add', [main.out, shortcut.out])]);
      length = first.length;
    });
    const pooled = this.g.node('ReduceMean', [x], { axes: [2, 3], keepdims: 0 }); // [B, C]
    const h = this.g.node('Identity', [this.dense(pooled, 'ecg.embed')], {}, 'ecg_embedding');
    const gEmb = this.g.node('Identity', [this.mlp('clinical', 'clinical', c.clinical.hidden.length + 1)], {}, 'clinical_embedding');
    this.g.node('Identity', [this.mlp(this.g.node('Concat', [h, gEmb], { axis: 1 }), 'fusion', c.fusionHidden.length + 1)], {}, 'fused');
    this.normalise(this.dense(h, 'proj.ecg'), 'ecg_proj');
    this.normalise(this.dense(gEmb, 'proj.clinical'), 'clin_proj');
    const inputs = [
      { name: 'ecg', shape: ['batch', samples, leads] },
      { name: 'lead_mask', shape: ['batch', leads] },
      { name: 'clinical', shape: ['batch', c.clinical.inputDim] },
    ];
    const outputs = [
      { name: 'fused', shape: ['batch', c.ecg.embedDim] },
      { name: 'ecg_embedding', shape: ['batch', c.ecg.embedDim] },
      { name: 'clinical_embedding', shape: ['batch', c.clinical.embedDim] },
      { name: 'ecg_proj', shape: ['batch', c.projDim] },
      { name: 'clin_proj', shape: ['batch', c.projDim] },
    ];
    return this.g.build('fewbeat', inputs, outputs, `fewbeat model, eval mode; config ${JSON.stringify(c)}`);
  }
}

/** Serialise `model` (eval mode, BatchNorm folded) as an ONNX model file; see the module comment. */
export function exportOnnx(model: FewbeatModel): Uint8Array {
  return new Exporter(model).build();
}
