/**
 * ONNX nodes for fewbeat's layers in eval mode, reading the weights by their names in the model
 * (`ecg.block1.conv1.conv.w`, `clinical.dense1.b`, …; see {@link FewbeatModel.getWeights}).
 *
 * Layout: the ECG feature maps are [B, C, 1, T] (channels first, height 1), so that every 1-D
 * convolution is a 2-D ONNX Conv with kernel [1, k]: ONNX Runtime applies its NCHWc layout and
 * Conv+Add+ReLU fusions to 2-D Conv, not to 1-D (measured on the bench model, one thread:
 * 1,908 → 2,838 ECG/s). Vectors are [B, D].
 */
import type * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../../errors.js';
import { conv1dGeometry } from '../kernels/conv1d.js';
import type { OnnxGraphBuilder } from './graph-builder.js';

/** A feature map [B, C, 1, T] and its (static) length T. */
export interface FeatureMap {
  name: string;
  length: number;
}

/** The projections' norm floor: max(‖y‖², 1e-12), as in the model's projection head. */
const NORM_FLOOR = 1e-12;

/** Values of a parameter, row-major, with its shape. */
export interface ParameterValues {
  data: Float32Array;
  shape: number[];
}

/** `m` [rows, cols] row-major → mᵀ [cols, rows], each entry times `factor`. */
export function transposed(m: Float32Array, rows: number, cols: number, factor = 1): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]! * factor;
  return out;
}

export class OnnxLayers {
  /** Graph constants already added, by name: a layer applied twice (h and z share `ecg.embed`) shares them. */
  private readonly constants = new Set<string>();

  constructor(
    readonly g: OnnxGraphBuilder,
    private readonly weights: ReadonlyMap<string, tf.Tensor>,
    private readonly batchNormEpsilon: number,
  ) {}

  /** The values of parameter `name`; a FewbeatError if the model has none of that name or it holds NaN/±∞. */
  values(name: string): ParameterValues {
    const t = this.weights.get(name);
    if (!t) throw new FewbeatError(`ONNX export: the model has no parameter '${name}'`);
    const data = t.dataSync() as Float32Array;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new FewbeatError(
        `ONNX export: parameter '${name}' holds ${data[bad]} at index ${bad} (a diverged or corrupt model)`,
      );
    return { data, shape: t.shape };
  }

  /**
   * The graph constant `name` holding `data` [dims], added the first time it is asked for.
   * Constant names follow the parameter names, so one name always means one value.
   */
  constant(name: string, data: Float32Array, dims: readonly number[]): string {
    if (!this.constants.has(name)) {
      this.g.constant(name, data, dims);
      this.constants.add(name);
    }
    return name;
  }

  /** Parameter `name` as a graph constant, unchanged. */
  parameter(name: string): string {
    const { data, shape } = this.values(name);
    return this.constant(name, data, shape);
  }

  /**
   * Conv1d (weights [k, Cin, Cout], no bias, 'same' padding) + eval-mode BatchNorm, folded into
   * one ONNX Conv with kernel [1, k] on [B, Cin, 1, T]:
   *
   *     W'[o] = W[o]·γ_o/√(σ²_o + ε),   b'_o = β_o − μ_o·γ_o/√(σ²_o + ε)
   *
   * μ, σ² are the running statistics `<prefix>.bn.running_*`.
   * TensorFlow's 'same' padding is written out as explicit [left, right] pads.
   */
  convBn(x: FeatureMap, prefix: string, stride: number): FeatureMap {
    const w = this.values(`${prefix}.conv.w`);
    const [k, cin, cout] = w.shape as [number, number, number];
    const gamma = this.values(`${prefix}.bn.gamma`).data;
    const beta = this.values(`${prefix}.bn.beta`).data;
    const statistics = `${prefix}.bn`;
    const mean = this.values(`${statistics}.running_mean`).data;
    const variance = this.values(`${statistics}.running_var`).data;
    const folded = new Float32Array(cout * cin * k); // [Cout, Cin, 1, k]
    const bias = new Float32Array(cout);
    for (let o = 0; o < cout; o++) {
      const scale = gamma[o]! / Math.sqrt(variance[o]! + this.batchNormEpsilon);
      bias[o] = beta[o]! - mean[o]! * scale;
      for (let c = 0; c < cin; c++)
        for (let j = 0; j < k; j++) folded[(o * cin + c) * k + j] = w.data[(j * cin + c) * cout + o]! * scale;
    }
    const { outLength, padLeft, padRight } = conv1dGeometry(x.length, k, stride, 'same');
    const name = prefix;
    const out = this.g.node(
      'Conv',
      [x.name, this.constant(`${name}.w`, folded, [cout, cin, 1, k]), this.constant(`${name}.b`, bias, [cout])],
      {
        kernel_shape: [1, k],
        strides: [1, stride],
        pads: [0, padLeft, 0, padRight],
      },
    );
    return { name: out, length: outLength };
  }

  /**
   * y = x·W[:, from:to] + b[from:to], a Gemm over the columns [from, to) of Dense `prefix`
   * (W [in, out], all columns by default). @param x [B, in] @returns [B, to − from]
   */
  dense(x: string, prefix: string, columns?: { from: number; to: number }): string {
    const w = this.values(`${prefix}.w`);
    const b = this.values(`${prefix}.b`);
    const [rows, cols] = w.shape as [number, number];
    const { from, to } = columns ?? { from: 0, to: cols };
    const slice = new Float32Array(rows * (to - from));
    for (let r = 0; r < rows; r++) slice.set(w.data.subarray(r * cols + from, r * cols + to), r * (to - from));
    const name = columns ? `${prefix}[${from}:${to}]` : prefix;
    return this.g.node('Gemm', [
      x,
      this.constant(`${name}.w`, slice, [rows, to - from]),
      this.constant(`${name}.b`, b.data.slice(from, to), [to - from]),
    ]);
  }

  /** Dense→ReLU for each of the `layers − 1` hidden layers, then a linear Dense (the model's `Mlp`). */
  mlp(x: string, prefix: string, layers: number): string {
    let h = x;
    for (let i = 1; i <= layers; i++) {
      h = this.dense(h, `${prefix}.dense${i}`);
      if (i < layers) h = this.g.node('Relu', [h]);
    }
    return h;
  }

  /** The projection head `prefix`: u = y / √max(‖y‖², 1e-12), y = Dense(x); written to graph output `output`. */
  projection(x: string, prefix: string, output: string): string {
    const y = this.dense(x, prefix);
    const squared = this.g.node('ReduceSumSquare', [y], { axes: [1], keepdims: 1 }); // [B, 1]
    const floor = this.g.node('Max', [squared, this.g.scalar(NORM_FLOOR)]);
    return this.g.node('Div', [y, this.g.node('Sqrt', [floor])], {}, output);
  }

  /** [B, D] → [B, D, 1, 1], to broadcast a per-channel vector over a feature map. */
  perChannel(v: string): string {
    return this.g.node('Unsqueeze', [v, this.g.ints([2, 3])]);
  }
}
