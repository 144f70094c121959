import { FewbeatError } from '../../errors.js';
import { firwinLowpass } from './firwin-lowpass.js';

export interface ResamplePolyOptions {
  /** Kaiser window β of the anti-aliasing FIR. @default 5 (scipy's default) */
  kaiserBeta?: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A polyphase filter bank (see {@link resamplePoly}): the same for every signal resampled by up/down at β. */
interface PolyphaseBank {
  bank: Float64Array;
  tapsPerPhase: number;
  preRemove: number;
}

/** Banks by `up/down/β`, built once: a 12-lead recording resamples 12 signals by the same ratio. */
const banks = new Map<string, PolyphaseBank>();

function polyphaseBank(up: number, down: number, kaiserBeta: number): PolyphaseBank {
  const key = `${up}/${down}/${kaiserBeta}`;
  const known = banks.get(key);
  if (known) return known;
  const maxRate = Math.max(up, down);
  const halfLen = 10 * maxRate;
  const taps = firwinLowpass(2 * halfLen + 1, 1 / maxRate, kaiserBeta);
  const prePad = down - (halfLen % down);
  const h = new Float64Array(prePad + taps.length);
  for (let j = 0; j < taps.length; j++) h[prePad + j] = taps[j]! * up;
  const preRemove = Math.floor((halfLen + prePad) / down);
  const hLen = h.length;
  // Polyphase bank: for output time t = (k + preRemove)·down the taps touching x[i] are
  // h[t − i·up]. With phase = t mod up and iHi = ⌊t/up⌋ they are h[phase + j·up] for x[iHi − j];
  // each phase's taps are stored reversed and contiguous so that the inner loop runs forwards
  // over both the taps and x.
  const tapsPerPhase = Math.ceil(hLen / up);
  const bank = new Float64Array(up * tapsPerPhase);
  for (let phase = 0; phase < up; phase++) {
    for (let j = 0; j < tapsPerPhase; j++) {
      const tap = phase + j * up;
      bank[phase * tapsPerPhase + (tapsPerPhase - 1 - j)] = tap < hLen ? h[tap]! : 0;
    }
  }
  const built = { bank, tapsPerPhase, preRemove };
  if (banks.size < 64) banks.set(key, built);
  return built;
}

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
  const { bank, tapsPerPhase, preRemove } = polyphaseBank(up, down, opts.kaiserBeta ?? 5);
  const y = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    const t = (k + preRemove) * down;
    const phase = t % up;
    const iHi = (t - phase) / up;
    const iLo = iHi - (tapsPerPhase - 1); // x[iLo + m] pairs with reversed tap m
    const mFrom = Math.max(0, -iLo);
    const mTo = Math.min(tapsPerPhase - 1, nIn - 1 - iLo);
    const base = phase * tapsPerPhase;
    // two accumulators break the add-latency chain of one running sum
    let acc0 = 0;
    let acc1 = 0;
    let m = mFrom;
    for (; m + 1 <= mTo; m += 2) {
      acc0 += bank[base + m]! * x[iLo + m]!;
      acc1 += bank[base + m + 1]! * x[iLo + m + 1]!;
    }
    if (m <= mTo) acc0 += bank[base + m]! * x[iLo + m]!;
    y[k] = acc0 + acc1;
  }
  return y;
}
