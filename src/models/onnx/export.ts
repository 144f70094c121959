/**
 * ONNX export of a fewbeat model for inference (eval mode), so that Python, C++ and browser users
 * (onnxruntime, onnxruntime-web) can run it, and so that fewbeat can run inference on ONNX Runtime.
 *
 * The graph computes what `FewbeatModel.forward(x, { training: false })` computes:
 *
 *     inputs   ecg [batch, T, L], lead_mask [batch, L], clinical [batch, F]
 *     s, F     = ECG encoder stem and blocks                   (see ecg-encoder-graph.ts)
 *     h        = Dense(mean over time of F)                    output `ecg_embedding`
 *     g        = clinical MLP(c)                               output `clinical_embedding`
 *     z        = MLP([h; g]) (late fusion)                     output `fused` (see fusion-graph.ts)
 *     u, v     = projections / max(‖·‖, 1e-6)                  outputs `ecg_proj`, `clin_proj`
 *
 * Each BatchNorm (eval mode: running statistics) is folded into its
 * bias-free convolution, and the 1-D convolutions are 2-D ones with height 1 (see layers.ts).
 * The input length is fixed by the config; the batch dimension is symbolic.
 */
import type { FewbeatModel } from '../model.js';
import { EcgEncoderGraph } from './ecg-encoder-graph.js';
import { fusionGraph } from './fusion-graph.js';
import { OnnxGraphBuilder, type GraphValue } from './graph-builder.js';
import { OnnxLayers } from './layers.js';

/** Names of the graph's inputs and outputs. */
export const ONNX_INPUTS = ['ecg', 'lead_mask', 'clinical'] as const;
export const ONNX_OUTPUTS = ['fused', 'ecg_embedding', 'clinical_embedding', 'ecg_proj', 'clin_proj'] as const;

/** The graph inputs of a model with this config, in {@link ONNX_INPUTS} order. */
export function onnxInputs(config: FewbeatModel['config']): GraphValue[] {
  return [
    { name: 'ecg', shape: ['batch', config.ecg.samples, config.ecg.leads] },
    { name: 'lead_mask', shape: ['batch', config.ecg.leads] },
    { name: 'clinical', shape: ['batch', config.clinical.inputDim] },
  ];
}

/** Serialise `model` (eval mode, BatchNorm folded) as an ONNX model file; see the module comment. */
export function exportOnnx(model: Pick<FewbeatModel, 'config' | 'getWeights'>): Uint8Array {
  const c = model.config;
  const g = new OnnxGraphBuilder();
  const layers = new OnnxLayers(g, model.getWeights(), c.batchNormEpsilon);
  const encoder = new EcgEncoderGraph(layers, c);
  const stem = encoder.stem('ecg', 'lead_mask');
  const features = encoder.blocks(stem);
  const ecgEmbedding = g.node('Identity', [encoder.embed(features)], {}, 'ecg_embedding');
  const clinicalEmbedding = g.node(
    'Identity',
    [layers.mlp('clinical', 'clinical', c.clinical.hidden.length + 1)],
    {},
    'clinical_embedding',
  );
  const fused = fusionGraph(layers, c, ecgEmbedding, clinicalEmbedding);
  g.node('Identity', [fused], {}, 'fused');
  layers.projection(ecgEmbedding, 'proj.ecg', 'ecg_proj');
  layers.projection(clinicalEmbedding, 'proj.clinical', 'clin_proj');
  const outputs: GraphValue[] = [
    { name: 'fused', shape: ['batch', c.ecg.embedDim] },
    { name: 'ecg_embedding', shape: ['batch', c.ecg.embedDim] },
    { name: 'clinical_embedding', shape: ['batch', c.clinical.embedDim] },
    { name: 'ecg_proj', shape: ['batch', c.projDim] },
    { name: 'clin_proj', shape: ['batch', c.projDim] },
  ];
  return g.build('fewbeat', onnxInputs(c), outputs, `fewbeat model, eval mode; config ${JSON.stringify(c)}`);
}
