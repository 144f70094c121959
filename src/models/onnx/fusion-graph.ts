/**
 * Late fusion (`LateFusion`, the model's one fusion) as ONNX nodes (eval mode): z = MLP([h; g]).
 */
import type { ModelConfig } from '../config.js';
import type { OnnxLayers } from './layers.js';

/** z [B, D] from h [B, D] and g [B, Dc], as `LateFusion.fuse`. */
export function fusionGraph(
  layers: OnnxLayers,
  config: ModelConfig,
  ecgEmbedding: string,
  clinicalEmbedding: string,
): string {
  const joined = layers.g.node('Concat', [ecgEmbedding, clinicalEmbedding], { axis: 1 }); // [B, D + Dc]
  return layers.mlp(joined, 'fusion', config.fusionHidden.length + 1);
}
