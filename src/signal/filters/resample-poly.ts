import { FewbeatError } from '../../errors.js';
import { firwinLowpass } from './firwin-lowpass.js';

export interface ResamplePolyOptions {
  /** Kaiser window β of the anti-aliasing FIR. @default 5 (scipy's default) */
  kaiserBeta?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Polyphase rational resampling by up/down, as `scipy.signal.resample_poly(x, up, down)` with its
 * defaults: the ratio is reduced by its gcd, the anti-aliasing filter is a Kaiser-windowed sinc of
 * 2·10·max(up, down) + 1 taps with cutoff 1/max(up, down) of Nyquist and gain `up`, the input is
 * zero-padded, and the output has ⌈N·up/down⌉ samples aligned so that y[0] = x[0] in time.
 *
 * Output sample k is y[k] = Σ_i h[(k + r)·down − i·up] · x[i] (r = the filter's delay in output
 * samples), computed directly per output so that only the non-zero polyphase taps are touched.
 */
export function resamplePoly(x: Float64Array, up: number, down: number, opts: ResamplePolyOptions = {}): Float64Array {
  if (!Number.isInteger(up) || !Number.isInteger(down) || up < 1 || down < 1) {
    throw new FewbeatError(`resamplePoly: up and down must be positive integers, got ${up}/${down}`);
  }
  const g = gcd(up, down);
  up /= g;
  down /= g;
  if (up === 1 && down === 1) return Float64Array.from(x);
  const nIn = x.length;
  const nOut = Math.ceil((nIn * up) / down);
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const taps = firwinLowpass(2 * halfLen + 1, 1 / maxRate, opts.kaiserBeta ?? 5);
  const prePad = down - (halfLen % down);
  const h = new Float64Array(prePad + taps.length);
  for (let j = 0; j < taps.length; j++) h[prePad + j] = taps[j]! * up;
  const preRemove = Math.floor((halfLen + prePad) / down);
  const hLen = h.length;
  const y = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    const t = (k + preRemove) * down;
    // taps h[t − i·up] with 0 ≤ t − i·up < hLen
    const iHi = Math.min(nIn - 1, Math.floor(t / up));
    const iLo = Math.max(0, Math.ceil((t - hLen + 1) / up));
    let acc = 0;
    for (let i = iLo, j = t - iLo * up; i <= iHi; i++, j -= up) acc += h[j]! * x[i]!;
    y[k] = acc;
  }
  return y;
}
