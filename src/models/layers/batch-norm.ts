import * as tf from '@tensorflow/tfjs';
import { constant } from '../init.js';
import { batchNormTraining } from '../kernels/batch-norm.js';
import type { ParameterStore } from '../parameter-store.js';

/** Running statistics of a BatchNorm layer. */
export interface RunningStats {
  mean: tf.Variable;
  variance: tf.Variable;
}

/**
 * Batch normalisation over the batch and time axes of `[B, T, C]` (Ioffe & Szegedy 2015):
 *
 *     training:  μ, σ² = mean and (biased) variance of x over B·T;   y = γ (x − μ)/√(σ² + ε) + β
 *                running ← (1 − m)·running + m·batch  (σ² unbiased, ×BT/(BT−1), as PyTorch does)
 *     eval:      y = γ (x − μ_run)/√(σ²_run + ε) + β
 *
 * Training mode is one fused op with a closed-form gradient ({@link batchNormTraining}); eval
 * mode folds the statistics into one per-channel scale and shift, two elementwise ops.
 * The running statistics are non-trainable variables updated by `assign` during the training
 * forward pass: an assignment is not an op on the gradient tape (so no gradient flows into the
 * statistics and the optimiser never sees them), each update replaces the old tensor (no leak),
 * and the result depends only on the batches seen (deterministic). They are named
 * `<name>.running_mean` and `<name>.running_var`.
 */
export class BatchNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
  private readonly running: RunningStats;

  constructor(
    store: ParameterStore,
    name: string,
    channels: number,
    private readonly momentum: number,
    private readonly epsilon: number,
  ) {
    this.gamma = store.add(`${name}.gamma`, [channels], constant(1));
    this.beta = store.add(`${name}.beta`, [channels], constant(0));
    this.running = {
      mean: store.add(`${name}.running_mean`, [channels], constant(0), false),
      variance: store.add(`${name}.running_var`, [channels], constant(1), false),
    };
  }

  /** @param x [B, T, C] @returns [B, T, C] */
  apply(x: tf.Tensor3D, training: boolean): tf.Tensor3D {
    const running = this.running;
    if (training) {
      const count = x.shape[0] * x.shape[1];
      return batchNormTraining(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.epsilon, (mean, variance) =>
        updateRunningStatistics(running, mean, variance, count, this.momentum),
      );
    }
    const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(running.variance, this.epsilon))); // [C]
    const shift = tf.sub(this.beta, tf.mul(running.mean, scale)); // [C]
    return tf.add(tf.mul(x, scale), shift);
  }
}

/**
 * running ← (1 − m)·running + m·batch, the variance made unbiased (×N/(N − 1), as PyTorch does),
 * from the batch statistics of N = B·T values per channel. Used by {@link BatchNorm} and by
 * trainers that compute the batch statistics elsewhere (the ONNX Runtime trunk).
 */
export function updateRunningStatistics(
  running: RunningStats,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  count: number,
  momentum: number,
): void {
  const unbiased = count > 1 ? count / (count - 1) : 1;
  tf.tidy(() => {
    running.mean.assign(tf.add(tf.mul(running.mean, 1 - momentum), tf.mul(mean, momentum)));
    running.variance.assign(tf.add(tf.mul(running.variance, 1 - momentum), tf.mul(variance, momentum * unbiased)));
  });
}
