/**
 * The three fusion modules of `src/models/fusion/` as ONNX nodes (eval mode), each producing the
 * fused embedding z [B, D] from the same inputs the model's modules see.
 */
import type { ModelConfig } from '../config.js';
import { FILM_STREAM } from '../fusion/film.js';
import type { EcgEncoderGraph } from './ecg-encoder-graph.js';
import { transposed, type FeatureMap, type OnnxLayers } from './layers.js';

/** What a fusion graph may read: the graph values of `FusionInputs`. */
export interface FusionGraphInputs {
  /** Stem output [B, C0, 1, T0]. */
  stem: FeatureMap;
  /** Unconditioned feature map F [B, C, 1, T']. */
  features: FeatureMap;
  /** h [B, D]. */
  ecgEmbedding: string;
  /** g [B, Dc]. */
  clinicalEmbedding: string;
  /** The graph input c [B, n_f]. */
  clinical: string;
}

/** Late fusion (`LateFusion`): z = MLP([h; g]). */
function lateFusion(layers: OnnxLayers, config: ModelConfig, x: FusionGraphInputs): string {
  const joined = layers.g.node('Concat', [x.ecgEmbedding, x.clinicalEmbedding], { axis: 1 }); // [B, D + Dc]
  return layers.mlp(joined, 'fusion', config.fusionHidden.length + 1);
}

/**
 * Early fusion by FiLM (`FilmFusion`, Perez et al. 2018): block b's generator W_b g + c_b [B, 2C_b]
 * is written as two Gemms over its column halves, so no Split is needed:
 *
 *     gain_b = 1 + g·W_b[:, :C_b] + c_b[:C_b],   shift_b = g·W_b[:, C_b:] + c_b[C_b:]      [B, C_b, 1, 1]
 *     z = embed(blocks(stem, modulated by (gain_b, shift_b), BatchNorm statistics of stream `film`))
 */
function filmFusion(layers: OnnxLayers, encoder: EcgEncoderGraph, config: ModelConfig, x: FusionGraphInputs): string {
  const g = layers.g;
  const modulations = config.ecg.blocks.map(({ out: channels }, i) => {
    const generator = `fusion.film${i + 1}`;
    const scale = layers.dense(x.clinicalEmbedding, generator, { from: 0, to: channels }); // [B, C]
    const shift = layers.dense(x.clinicalEmbedding, generator, { from: channels, to: 2 * channels }); // [B, C]
    return { gain: layers.perChannel(g.node('Add', [scale, g.scalar(1)])), shift: layers.perChannel(shift) };
  });
  return encoder.embed(encoder.blocks(x.stem, { stream: FILM_STREAM, modulations }));
}

/**
 * Cross-attention fusion (`CrossAttentionFusion`, Vaswani et al. 2017), computed channels first
 * so that the feature map [B, C, 1, T'] is never transposed (a = attentionDim, n_f clinical slots):
 *
 *     e   = c ⊗ E + P                         field tokens [B, n_f, a]
 *     K   = e W_k,  Vᵀ = (e W_v)ᵀ              [B, n_f, a], [B, a, n_f]
 *     Qᵀ  = (W_q/√a)ᵀ F                        [B, a, T']   (F squeezed to [B, C, T']; 1/√a folded into W_q)
 *     Aᵀ  = softmax over the n_f axis of K Qᵀ   [B, n_f, T']  (= (softmax_f(Q Kᵀ/√a))ᵀ)
 *     Uᵀ  = W_oᵀ (Vᵀ Aᵀ)                       [B, C, T']   (= ((A V) W_o)ᵀ)
 *     z   = embed(F + Uᵀ)
 */
function crossAttentionFusion(
  layers: OnnxLayers,
  encoder: EcgEncoderGraph,
  config: ModelConfig,
  x: FusionGraphInputs,
): string {
  const g = layers.g;
  const a = config.attentionDim;
  const param = (name: string) => layers.values(`fusion.${name}`);
  const weight = (name: string) => layers.parameter(`fusion.${name}`);
  const query = param('query'); // [C, a]
  const output = param('output'); // [a, C]
  const [channels] = query.shape as [number, number];
  const tokens = g.node('Add', [
    g.node('Mul', [g.node('Unsqueeze', [x.clinical, g.ints([2])]), weight('field_scale')]),
    weight('field_bias'),
  ]); // [B, n_f, a]
  const keys = g.node('MatMul', [tokens, weight('key')]); // [B, n_f, a]
  const valuesT = g.node('Transpose', [g.node('MatMul', [tokens, weight('value')])], { perm: [0, 2, 1] }); // [B, a, n_f]
  const features = g.node('Squeeze', [x.features.name, g.ints([2])]); // [B, C, T']
  const queryT = layers.constant('fusion.query_scaled_t', transposed(query.data, channels, a, 1 / Math.sqrt(a)), [
    a,
    channels,
  ]);
  const queriesT = g.node('MatMul', [queryT, features]); // [B, a, T']
  const attentionT = g.node('Softmax', [g.node('MatMul', [keys, queriesT])], { axis: 1 }); // [B, n_f, T']
  const outputT = layers.constant('fusion.output_t', transposed(output.data, a, channels), [channels, a]);
  const updateT = g.node('MatMul', [outputT, g.node('MatMul', [valuesT, attentionT])]); // [B, C, T']
  const updated = g.node('Add', [x.features.name, g.node('Unsqueeze', [updateT, g.ints([2])])]); // [B, C, 1, T']
  return encoder.embed({ name: updated, length: x.features.length });
}

/** z [B, D] for the model's `fusion` setting. */
export function fusionGraph(
  layers: OnnxLayers,
  encoder: EcgEncoderGraph,
  config: ModelConfig,
  inputs: FusionGraphInputs,
): string {
  switch (config.fusion) {
    case 'late':
      return lateFusion(layers, config, inputs);
    case 'early':
      return filmFusion(layers, encoder, config, inputs);
    case 'cross-attention':
      return crossAttentionFusion(layers, encoder, config, inputs);
  }
}
