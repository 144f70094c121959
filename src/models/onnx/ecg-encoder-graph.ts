/**
 * The ECG encoder (`EcgEncoder`) as ONNX nodes, in the same stages:
 *
 *     x'   = leadMask(ecg, lead_mask)                   [B, T, L] → [B, T, L or 2L]
 *     s    = ReLU(ConvBN(x'ᵀ))                          [B, C0, 1, T0]
 *     F    = block_n(… block_1(s))                      [B, C, 1, T']
 *            block: y = ReLU(ConvBN₂(ReLU(ConvBN₁(x))) + ConvBN_shortcut(x))
 *     h    = Dense(mean over time of F)                 [B, D]
 */
import type { ModelConfig } from '../config.js';
import type { OnnxGraphBuilder } from './graph-builder.js';
import type { FeatureMap, OnnxLayers } from './layers.js';

/**
 * Absent leads zeroed, then (`rescale`) the rest scaled by L / max(1, Σ m) or (`channels`) the
 * mask appended as L constant channels, as `applyLeadMask`.
 * @param ecg [B, T, L] @param mask [B, L] @returns [B, T, L] or [B, T, 2L]
 */
export function leadMaskedGraph(g: OnnxGraphBuilder, ecg: string, mask: string, config: ModelConfig): string {
  const { leads, leadMask } = config.ecg;
  const perLead = g.node('Unsqueeze', [mask, g.ints([1])]); // [B, 1, L]
  if (leadMask === 'channels') {
    const masked = g.node('Mul', [ecg, perLead]);
    const broadcast = g.node('Expand', [perLead, g.node('Shape', [ecg])]); // [B, T, L]
    return g.node('Concat', [masked, broadcast], { axis: 2 }); // [B, T, 2L]
  }
  const present = g.node('Max', [g.node('ReduceSum', [mask, g.ints([1])], { keepdims: 1 }), g.scalar(1)]); // [B, 1]
  // [B, 1, L]
  const gain = g.node('Div', [g.node('Mul', [perLead, g.scalar(leads)]), g.node('Unsqueeze', [present, g.ints([2])])]);
  return g.node('Mul', [ecg, gain]); // [B, T, L]
}

export class EcgEncoderGraph {
  constructor(
    private readonly layers: OnnxLayers,
    private readonly config: ModelConfig,
  ) {}

  /** @param ecg [B, T, L] @param mask [B, L] @returns s [B, C0, 1, T0] */
  stem(ecg: string, mask: string): FeatureMap {
    const g = this.layers.g;
    const channelsFirst = g.node('Transpose', [leadMaskedGraph(this.layers.g, ecg, mask, this.config)], {
      perm: [0, 2, 1],
    }); // [B, C, T]
    const x = g.node('Unsqueeze', [channelsFirst, g.ints([2])]); // [B, C, 1, T]
    const s = this.layers.convBn({ name: x, length: this.config.ecg.samples }, 'ecg.stem', this.config.ecg.stemStride);
    return { name: g.node('Relu', [s.name]), length: s.length };
  }

  /** The residual blocks from the stem output. @returns F [B, C, 1, T'] */
  blocks(stem: FeatureMap): FeatureMap {
    const g = this.layers.g;
    return this.config.ecg.blocks.reduce((x, block, i) => {
      const name = `ecg.block${i + 1}`;
      const first = this.layers.convBn(x, `${name}.conv1`, block.stride);
      const main = this.layers.convBn({ name: g.node('Relu', [first.name]), length: first.length }, `${name}.conv2`, 1);
      const shortcut = this.layers.convBn(x, `${name}.shortcut`, block.stride);
      return { name: g.node('Relu', [g.node('Add', [main.name, shortcut.name])]), length: main.length };
    }, stem);
  }

  /** h = Dense(mean over time of F). @param features [B, C, 1, T'] @returns [B, D] */
  embed(features: FeatureMap): string {
    const pooled = this.layers.g.node('ReduceMean', [features.name], { axes: [2, 3], keepdims: 0 }); // [B, C]
    return this.layers.dense(pooled, 'ecg.embed');
  }
}
