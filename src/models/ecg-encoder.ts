import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './config.js';
import { ConvBn } from './layers/conv-bn.js';
import { Dense } from './layers/dense.js';
import { applyLeadMask, maskedInputChannels } from './lead-mask.js';
import type { ParameterStore } from './parameter-store.js';
import { ResidualBlock } from './residual-block.js';

/**
 * The ECG encoder f_ecg: a 1-D residual CNN.
 *
 *     x' = leadMask(x, m)                                   [B, T, L] → [B, T, L or 2L]
 *     s  = ReLU(BN(conv_k=stemKernel,stride=stemStride(x'))) (no bias)   [B, T/2, stemChannels]
 *     F  = block_n(… block_1(s))                            [B, T', C_last]
 *     h  = Dense(mean_t F)                                  [B, embedDim]
 *
 * The stages are separate methods so that the ONNX Runtime trunk can compute F = blocks(stem(x))
 * and the model continue from it (`FewbeatModel.forwardFromFeatures`).
 */
export class EcgEncoder {
  private readonly stemLayer: ConvBn;
  private readonly blockLayers: ResidualBlock[];
  private readonly embedding: Dense;
  /** Output channels of each residual block. */
  readonly blockChannels: readonly number[];

  constructor(
    store: ParameterStore,
    private readonly config: ModelConfig,
  ) {
    const { ecg } = config;
    const bn = { momentum: config.batchNormMomentum, epsilon: config.batchNormEpsilon };
    this.stemLayer = new ConvBn(store, 'ecg.stem', maskedInputChannels(ecg.leads, ecg.leadMask), ecg.stemChannels, {
      kernel: ecg.stemKernel,
      stride: ecg.stemStride,
      inputGradient: false, // the stem sees the (lead-masked) ECG: data, never differentiated
      ...bn,
    });
    let channels = ecg.stemChannels;
    this.blockLayers = ecg.blocks.map((block, i) => {
      const layer = new ResidualBlock(store, `ecg.block${i + 1}`, channels, block.out, {
        kernel: block.kernel,
        stride: block.stride,
        ...bn,
      });
      channels = block.out;
      return layer;
    });
    this.blockChannels = ecg.blocks.map((b) => b.out);
    this.embedding = new Dense(store, 'ecg.embed', channels, ecg.embedDim);
  }

  /** @param ecg [B, T, L] @param leadMask [B, L] @returns [B, T/stemStride, stemChannels] */
  stem(ecg: tf.Tensor3D, leadMask: tf.Tensor2D, training: boolean): tf.Tensor3D {
    return tf.relu(this.stemLayer.apply(applyLeadMask(ecg, leadMask, this.config.ecg.leadMask), training));
  }

  /** @param stem [B, T0, stemChannels] @returns the feature map F [B, T', C_last] */
  blocks(stem: tf.Tensor3D, training: boolean): tf.Tensor3D {
    return this.blockLayers.reduce((x, block) => block.apply(x, training), stem);
  }

  /** h = Dense(mean over time of F). @param features [B, T', C_last] @returns [B, embedDim] */
  embed(features: tf.Tensor3D): tf.Tensor2D {
    return this.embedding.apply(tf.mean(features, 1) as tf.Tensor2D);
  }
}
