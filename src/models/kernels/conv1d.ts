/**
 * A 1-D convolution that is differentiable on the wasm backend, with both backward passes mapped
 * onto tfjs's fast forward `Conv2D` kernel (XNNPACK on wasm).
 *
 * Why: tfjs's own `conv1d` gradient needs `Conv2DBackpropFilter`, which the wasm backend does not
 * have, and its `Conv2DBackpropInput` on wasm is a slow scalar loop. Here the three passes are:
 *
 * Forward, with `xp` the input zero-padded by `padLeft` (TensorFlow's 'same' rule):
 *   y[b, t, o] = Σ_{j<k, c} xp[b, t·s + j, c] · w[j, c, o]          x [B, L, Cin], w [k, Cin, Cout], y [B, T, Cout]
 *
 * Filter gradient: one stride-1 convolution with dilation s, in which the batch plays the role
 * of the channels and `dy` the role of the filter:
 *   dW[j, c, o] = Σ_{b, t} xp[b, t·s + j, c] · dy[b, t, o]
 *               = conv2d(input = xp as [Cin, 1, Lp, B], filter = dy as [1, T, B, Cout], dilation = (1, s))[c, 0, j, o]
 *
 * Input gradient, polyphase: input position i = m·s + r (phase r < s) receives only the taps
 * j ≡ r + padLeft (mod s). All s phases are computed by one stride-1 convolution of `dy` with
 * s·Cin output channels, laid out so that the output reshapes straight into dx. Compared with
 * convolving a zero-inserted `dy` (or tfjs's `Conv2DBackpropInput`), this skips the (s−1)/s
 * multiplications by zero and needs no interleaving copy.
 *
 * Measured with `node bench/compare.kernels.mjs` (B=100, L=500, 32→64, k=5, stride 2; CPU ms,
 * medians): forward 15; dx 17.5 (tfjs Conv2DBackpropInput: 139); dW 26 (im2col + matMul: 473).
 */
import * as tf from '@tensorflow/tfjs';

/** Padding mode of {@link conv1d}, as in TensorFlow: 'same' keeps ⌈L/s⌉ outputs, 'valid' pads nothing. */
export type Conv1dPadding = 'same' | 'valid';

/** Where a 1-D convolution's windows fall on its input. */
export interface Conv1dGeometry {
  /** Output length T. */
  outLength: number;
  /** Zeros added before the first sample. */
  padLeft: number;
  /** Zeros added after the last sample (0 for 'valid'). */
  padRight: number;
}

/**
 * TensorFlow's padding rule: 'same' gives T = ⌈L/s⌉ and pads P = max((T−1)·s + k − L, 0) zeros,
 * ⌊P/2⌋ of them on the left; 'valid' gives T = ⌊(L − k)/s⌋ + 1 and no padding.
 */
export function conv1dGeometry(length: number, kernelSize: number, stride: number, pad: Conv1dPadding): Conv1dGeometry {
  if (pad === 'valid') {
    if (length < kernelSize)
      throw new Error(`conv1d: input length ${length} is shorter than the kernel (${kernelSize}) with 'valid' padding`);
    return { outLength: Math.floor((length - kernelSize) / stride) + 1, padLeft: 0, padRight: 0 };
  }
  const outLength = Math.ceil(length / stride);
  const total = Math.max((outLength - 1) * stride + kernelSize - length, 0);
  const padLeft = Math.floor(total / 2);
  return { outLength, padLeft, padRight: total - padLeft };
}

/**
 * dW = ∂loss/∂w as one dilated convolution (see the module comment).
 * @param x  [B, L, Cin]
 * @param dy [B, T, Cout]
 * @returns  [k, Cin, Cout]
 */
export function conv1dFilterGradient(
  x: tf.Tensor3D,
  dy: tf.Tensor3D,
  kernelSize: number,
  stride: number,
  pad: Conv1dPadding,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, length, inChannels] = x.shape;
    const [, outLength, outChannels] = dy.shape;
    const { padLeft } = conv1dGeometry(length, kernelSize, stride, pad);
    // Widest padded input any window touches is (T−1)·s + k; pad the right up to it, never beyond.
    const padRight = Math.max(0, (outLength - 1) * stride + kernelSize - length - padLeft);
    const xAsImages = tf.transpose(x, [2, 1, 0]).reshape<tf.Tensor4D>([inChannels, 1, length, batch]); // [Cin, 1, L, B]
    // [1, T, B, Cout]
    const dyAsFilter = tf.transpose(dy, [1, 0, 2]).reshape<tf.Tensor4D>([1, outLength, batch, outChannels]);
    const full = tf.conv2d(
      xAsImages,
      dyAsFilter,
      1,
      [
        [0, 0],
        [0, 0],
        [padLeft, padRight],
        [0, 0],
      ],
      'NHWC',
      [1, stride],
    ); // [Cin, 1, W, Cout], W ≥ k
    const taps =
      full.shape[2] === kernelSize ? full : tf.slice(full, [0, 0, 0, 0], [inChannels, 1, kernelSize, outChannels]);
    return tf.transpose(taps.reshape<tf.Tensor3D>([inChannels, kernelSize, outChannels]), [1, 0, 2]); // [k, Cin, Cout]
  });
}

/**
 * Which tap of `w` feeds each (row offset q, phase r) of the polyphase filter, or `k` for none:
 * tap[q][r] = r + padLeft + (A − q)·s when it lies in [0, k). See {@link conv1dInputGradient}.
 */
export function polyphaseTaps(
  kernelSize: number,
  stride: number,
  padLeft: number,
): { lead: number; rows: number; taps: number[] } {
  const lead = Math.floor((kernelSize - 1 - padLeft) / stride); // A = max_r d_max(r)
  const lag = Math.ceil(-(stride - 1 + padLeft) / stride); // min_r d_min(r) ≤ 0
  const rows = lead - lag + 1; // Q
  const taps: number[] = [];
  for (let q = 0; q < rows; q++) {
    for (let r = 0; r < stride; r++) {
      const j = r + padLeft + (lead - q) * stride;
      taps.push(j >= 0 && j < kernelSize ? j : kernelSize);
    }
  }
  return { lead, rows, taps };
}

/**
 * dx = ∂loss/∂x as ONE stride-1 convolution of `dy` whose s·Cin output channels are the s phases
 * of dx (see the module comment), so that reshaping [B, M, s·Cin] → [B, M·s, Cin] interleaves them
 * for free. With unpadded position i = m·s + r and d = m − t:
 *   dx[b, m·s + r, c] = Σ_d Σ_o dy[b, m − d, o] · w[r + padLeft + d·s, c, o]
 * The filter F[q, o, r·Cin + c] = w[r + padLeft + (A − q)·s, c, o] (zero off the kernel) is
 * gathered from `w`; `dy` is padded with A zeros on the left.
 * @param dy [B, T, Cout]
 * @param w  [k, Cin, Cout]
 * @returns  [B, L, Cin]
 */
export function conv1dInputGradient(
  dy: tf.Tensor3D,
  w: tf.Tensor3D,
  length: number,
  stride: number,
  pad: Conv1dPadding,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, outLength, outChannels] = dy.shape;
    const [kernelSize, inChannels] = w.shape;
    const { padLeft } = conv1dGeometry(length, kernelSize, stride, pad);
    const { lead, rows: filterRows, taps } = polyphaseTaps(kernelSize, stride, padLeft);
    const outRows = Math.ceil(length / stride); // M
    const withZeroTap = tf.concat([w, tf.zeros([1, inChannels, outChannels])], 0); // [k+1, Cin, Cout]
    const gathered = tf.gather(withZeroTap, tf.tensor1d(taps, 'int32'), 0); // [Q·s, Cin, Cout]
    const filter = tf
      .transpose(gathered.reshape([filterRows, stride, inChannels, outChannels]), [0, 3, 1, 2])
      .reshape<tf.Tensor4D>([1, filterRows, outChannels, stride * inChannels]); // [1, Q, Cout, s·Cin]
    const right = outRows - outLength + filterRows - 1 - lead;
    const phases = tf.conv2d(dy.reshape<tf.Tensor4D>([batch, 1, outLength, outChannels]), filter, 1, [
      [0, 0],
      [0, 0],
      [lead, right],
      [0, 0],
    ]); // [B, 1, M, s·Cin]
    const interleaved = phases.reshape<tf.Tensor3D>([batch, outRows * stride, inChannels]);
    return outRows * stride === length ? interleaved : tf.slice(interleaved, [0, 0, 0], [batch, length, inChannels]);
  });
}

/**
 * 1-D convolution y = x ⊛ w (no bias), differentiable on wasm.
 * @param x      [B, L, Cin] (batch, time, channels)
 * @param w      [k, Cin, Cout]
 * @param stride s ≥ 1
 * @param pad    'same' (T = ⌈L/s⌉) or 'valid' (T = ⌊(L−k)/s⌋ + 1)
 * @param opts.inputGradient false when x is data that needs no gradient (e.g. the first layer):
 *        x is then a constant of the op, and the backward pass computes only ∂L/∂w. Asking
 *        for ∂L/∂x anyway fails in tfjs's gradient code ("not a function of x"), never silently.
 * @returns      [B, T, Cout]
 */
export function conv1d(
  x: tf.Tensor3D,
  w: tf.Tensor3D,
  stride: number,
  pad: Conv1dPadding,
  opts: { inputGradient?: boolean } = {},
): tf.Tensor3D {
  if (x.shape[2] !== w.shape[1])
    throw new Error(`conv1d: input has ${x.shape[2]} channels but the kernel expects ${w.shape[1]}`);
  if (!Number.isInteger(stride) || stride < 1)
    throw new Error(`conv1d: stride must be a positive integer, got ${stride}`);
  const length = x.shape[1];
  const kernelSize = w.shape[0];
  const { outLength, padLeft, padRight } = conv1dGeometry(length, kernelSize, stride, pad);
  /** Forward value of x ⊛ w. */
  const forward = (xs: tf.Tensor3D, ws: tf.Tensor3D): tf.Tensor3D => {
    const x4 = xs.reshape<tf.Tensor4D>([xs.shape[0], 1, length, xs.shape[2]]);
    const w4 = ws.reshape<tf.Tensor4D>([1, kernelSize, ws.shape[1], ws.shape[2]]);
    const y = tf.conv2d(
      x4,
      w4,
      [1, stride],
      [
        [0, 0],
        [0, 0],
        [padLeft, padRight],
        [0, 0],
      ],
    );
    return y.reshape<tf.Tensor3D>([xs.shape[0], outLength, ws.shape[2]]);
  };
  const filterGradient = (xs: tf.Tensor3D, dy: tf.Tensor3D): tf.Tensor3D =>
    conv1dFilterGradient(xs, dy, kernelSize, stride, pad);
  if (opts.inputGradient === false) {
    const op = tf.customGrad((filter, save) => {
      (save as tf.GradSaveFunc)([x]);
      return {
        value: forward(x, filter as tf.Tensor3D),
        gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => [filterGradient(saved[0] as tf.Tensor3D, dy)],
      };
    });
    return op(w) as tf.Tensor3D;
  }
  const op = tf.customGrad((input, filter, save) => {
    (save as tf.GradSaveFunc)([input as tf.Tensor3D, filter as tf.Tensor3D]);
    return {
      value: forward(input as tf.Tensor3D, filter as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [sx, sw] = saved as [tf.Tensor3D, tf.Tensor3D];
        return [conv1dInputGradient(dy, sw, length, stride, pad), filterGradient(sx, dy)];
      },
    };
  });
  return op(x, w) as tf.Tensor3D;
}
