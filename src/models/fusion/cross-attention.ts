import * as tf from '@tensorflow/tfjs';
import type { EcgEncoder } from '../ecg-encoder.js';
import { constant, glorotUniform } from '../init.js';
import type { ParameterStore } from '../parameter-store.js';
import type { Fusion, FusionInputs } from './fusion.js';

/**
 * Cross-attention fusion: the ECG time tokens attend to one token per clinical feature slot
 * (scaled dot-product attention, Vaswani et al. 2017). With F the ECG feature map [B, T', C],
 * c the clinical vector [B, n_f] and a = attentionDim:
 *
 *     e_bf = c_bf · E_f + P_f                  field tokens [B, n_f, a]; E, P [n_f, a] (a per-slot
 *                                              dense 1 → a: value times slot vector plus slot identity)
 *     Q = F W_q,  K = e W_k,  V = e W_v        [B, T', a], [B, n_f, a], [B, n_f, a]
 *     A = softmax_f(Q Kᵀ / √a)                 [B, T', n_f]
 *     z = ecg.embed(F + (A V) W_o)             W_o [a, C] zero-initialised: z = h at start
 *
 * The field tokens are built by broadcasting, not `gather` (its gradient has no wasm kernel).
 * Missingness indicators are slots of c, so they get tokens of their own.
 */
export class CrossAttentionFusion implements Fusion {
  private readonly fieldScale: tf.Variable;
  private readonly fieldBias: tf.Variable;
  private readonly query: tf.Variable;
  private readonly key: tf.Variable;
  private readonly value: tf.Variable;
  private readonly output: tf.Variable;

  constructor(
    store: ParameterStore,
    private readonly encoder: EcgEncoder,
    fields: number,
    private readonly attentionDim: number,
  ) {
    const channels = encoder.blockChannels[encoder.blockChannels.length - 1] as number;
    this.fieldScale = store.add('fusion.field_scale', [fields, attentionDim], glorotUniform);
    this.fieldBias = store.add('fusion.field_bias', [fields, attentionDim], glorotUniform);
    this.query = store.add('fusion.query', [channels, attentionDim], glorotUniform);
    this.key = store.add('fusion.key', [attentionDim, attentionDim], glorotUniform);
    this.value = store.add('fusion.value', [attentionDim, attentionDim], glorotUniform);
    this.output = store.add('fusion.output', [attentionDim, channels], constant(0));
  }

  fuse({ features, clinical }: FusionInputs): tf.Tensor2D {
    const [batch, steps, channels] = features.shape;
    const fields = clinical.shape[1];
    const a = this.attentionDim;
    const tokens = tf.add(tf.mul(tf.expandDims(clinical, 2), this.fieldScale), this.fieldBias); // [B, n_f, a]
    const flatTokens = tf.reshape(tokens, [batch * fields, a]); // [B·n_f, a]
    const keys = tf.reshape(tf.matMul(flatTokens, this.key as tf.Tensor2D), [batch, fields, a]); // [B, n_f, a]
    const values = tf.reshape(tf.matMul(flatTokens, this.value as tf.Tensor2D), [batch, fields, a]); // [B, n_f, a]
    const flatFeatures = tf.reshape(features, [batch * steps, channels]); // [B·T', C]
    const queries = tf.reshape(tf.matMul(flatFeatures, this.query as tf.Tensor2D), [batch, steps, a]); // [B, T', a]
    const attention = tf.softmax(tf.div(tf.matMul(queries, keys, false, true), Math.sqrt(a))); // [B, T', n_f]
    const attended = tf.reshape(tf.matMul(attention, values), [batch * steps, a]); // [B·T', a]
    const update = tf.reshape(tf.matMul(attended, this.output as tf.Tensor2D), [batch, steps, channels]); // [B, T', C]
    return this.encoder.embed(tf.add(features, update) as tf.Tensor3D);
  }
}
