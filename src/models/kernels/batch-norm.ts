/**
 * Batch normalisation in training mode (Ioffe & Szegedy 2015) as one differentiable op with a
 * closed-form backward pass, fast on the wasm backend.
 *
 * Why: `tf.moments` + `tf.batchNorm` reduce over the leading axes by transposing them last, and
 * the wasm `FusedBatchNorm` kernel is several times slower than a broadcast multiply-add. Here
 * every per-channel sum Σ_n v[n, c] is one matrix–vector product 1ᵀ·V (XNNPACK), and the tape
 * holds one node instead of a dozen.
 *
 * With x viewed as [N, C] (N = every position but the channel axis, C = channels last):
 *   μ = (1/N) Σ_n x_n,   σ² = (1/N) Σ_n (x_n − μ)²  (biased, as in training),   r = 1/√(σ² + ε)
 *   x̂ = (x − μ)·r,       y = γ·x̂ + β
 * Backward, with g = ∂L/∂y:
 *   ∂L/∂β = Σ_n g_n,     ∂L/∂γ = Σ_n g_n·x̂_n
 *   ∂L/∂x = γ·r·( g − (1/N)·∂L/∂β − x̂·(1/N)·∂L/∂γ )
 */
import * as tf from '@tensorflow/tfjs';

/** Per-channel sums of `x2d` [N, C] as 1ᵀ·x: [1, C]. */
function channelSums(x2d: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(tf.ones([1, x2d.shape[0]]), x2d);
}

/**
 * Per-channel batch statistics over every axis but the last (biased variance, as used in
 * training), e.g. to update running averages.
 * @param x [..., C]
 * @returns mean and variance, each [C]
 */
export function channelMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const channels = x.shape[x.rank - 1]!;
    const x2d = x.reshape<tf.Tensor2D>([-1, channels]);
    const n = x2d.shape[0];
    const mean = tf.div(channelSums(x2d), n); // [1, C]
    const variance = tf.div(channelSums(tf.square(tf.sub<tf.Tensor2D>(x2d, mean))), n); // [1, C]
    return { mean: mean.reshape<tf.Tensor1D>([channels]), variance: variance.reshape<tf.Tensor1D>([channels]) };
  });
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the statistics of this batch (training mode).
 * @param x       [..., C], channels last
 * @param gamma   [C] scale γ
 * @param beta    [C] offset β
 * @param epsilon ε added to the variance
 * @returns       same shape as x
 */
export function batchNormTraining<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): T {
  const channels = x.shape[x.rank - 1]!;
  if (gamma.shape[0] !== channels || beta.shape[0] !== channels) {
    throw new Error(`batchNormTraining: input has ${channels} channels but gamma has ${gamma.shape[0]} and beta ${beta.shape[0]}`);
  }
  const shape = x.shape;
  const op = tf.customGrad((input, scale, offset, save) => {
    // tidy: the forward's temporaries (centred, squares) are freed now, not when the caller's scope ends.
    const { y, normalised, invStd } = tf.tidy(() => {
      const x2d = (input as tf.Tensor).reshape<tf.Tensor2D>([-1, channels]);
      const n = x2d.shape[0];
      const mean = tf.div(channelSums(x2d), n); // [1, C]
      const centred = tf.sub<tf.Tensor2D>(x2d, mean); // [N, C]
      const variance = tf.div(channelSums(tf.square(centred)), n); // [1, C]
      const r = tf.rsqrt(tf.add(variance, epsilon)); // [1, C]
      const xHat = tf.mul(centred, r); // x̂ [N, C]
      return { y: tf.add(tf.mul(xHat, scale as tf.Tensor), offset as tf.Tensor), normalised: xHat, invStd: r };
    });
    (save as tf.GradSaveFunc)([normalised, invStd, scale as tf.Tensor]);
    return {
      value: y.reshape(shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, r, g] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dy2d = dy.reshape<tf.Tensor2D>([-1, channels]);
        const n = dy2d.shape[0];
        const dBeta = channelSums(dy2d); // [1, C]
        const dGamma = channelSums(tf.mul(dy2d, xHat)); // [1, C]
        const gr = tf.mul(g, r); // [1, C]
        // dx = γr·g − γr·dβ/N − x̂·γr·dγ/N
        const dx = tf.sub(tf.mul(dy2d, gr), tf.add(tf.mul(xHat, tf.mul(gr, tf.div(dGamma, n))), tf.mul(gr, tf.div(dBeta, n))));
        return [dx.reshape(shape), dGamma.reshape([channels]), dBeta.reshape([channels])];
      },
    };
  });
  return op(x, gamma, beta) as T;
}
