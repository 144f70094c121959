import { FewbeatError } from '../../errors.js';
import { assertSameLength } from './confusion-matrix.js';

/** How far above 1 a float32 probability may round (its ulp at 1 is 1.2e-7); it lands in the top bin. */
const FLOAT32_SLACK = 1e-6;

/** One confidence bin of a reliability diagram. */
export interface ReliabilityBin {
  /** lower edge of the bin (exclusive, except the first bin, which includes 0) */
  lower: number;
  /** upper edge of the bin (inclusive) */
  upper: number;
  /** predictions whose confidence falls in the bin */
  count: number;
  /** share of those predictions that are correct; null for an empty bin */
  accuracy: number | null;
  /** their mean confidence; null for an empty bin */
  confidence: number | null;
}

/** Expected calibration error and the reliability-diagram data behind it. */
export interface Calibration {
  /** expected calibration error, in [0, 1] */
  ece: number;
  /** largest |accuracy − confidence| over non-empty bins (maximum calibration error) */
  mce: number;
  bins: ReliabilityBin[];
}

/** Options of {@link calibration}. */
export interface CalibrationOptions {
  /**
   * Number of equal-width confidence bins over [0, 1].
   * @default 15 (Guo et al. 2017)
   */
  binCount?: number;
}

/**
 * Expected calibration error with equal-width bins (Naeini et al. 2015; Guo et al. 2017,
 * "On Calibration of Modern Neural Networks"). The confidence of a prediction is the probability
 * of its predicted class (the row maximum). With M bins B_m = ((m−1)/M, m/M] (the first bin also
 * takes confidence 0),
 *
 *     ECE = Σ_m (|B_m| / N) · |acc(B_m) − conf(B_m)|,
 *
 * where acc is the share of correct predictions in the bin and conf their mean confidence.
 *
 * @param confidences N confidences in [0, 1]
 * @param correct N flags: was the prediction right
 */
export function calibration(
  confidences: readonly number[],
  correct: readonly boolean[],
  options: CalibrationOptions = {},
): Calibration {
  assertSameLength('confidences', confidences.length, 'correct', correct.length);
  const m = options.binCount ?? 15;
  if (!Number.isInteger(m) || m < 1)
    throw new FewbeatError(`bin count ${m} is not a positive integer`, { location: 'calibration' });
  const counts = new Array<number>(m).fill(0);
  const hits = new Array<number>(m).fill(0);
  const confSums = new Array<number>(m).fill(0);
  confidences.forEach((c, i) => {
    if (!Number.isFinite(c) || c < 0 || c > 1 + FLOAT32_SLACK)
      throw new FewbeatError(`confidence ${c} is not in [0, 1]`, { location: `confidences[${i}]` });
    const bin = Math.min(m - 1, Math.max(0, Math.ceil(c * m) - 1));
    counts[bin] = (counts[bin] as number) + 1;
    confSums[bin] = (confSums[bin] as number) + c;
    if (correct[i]) hits[bin] = (hits[bin] as number) + 1;
  });
  const n = confidences.length;
  let ece = 0;
  let mce = 0;
  const bins = counts.map((count, b): ReliabilityBin => {
    const bin: ReliabilityBin = { lower: b / m, upper: (b + 1) / m, count, accuracy: null, confidence: null };
    if (count > 0) {
      bin.accuracy = (hits[b] as number) / count;
      bin.confidence = (confSums[b] as number) / count;
      const gap = Math.abs(bin.accuracy - bin.confidence);
      ece += (count / n) * gap;
      mce = Math.max(mce, gap);
    }
    return bin;
  });
  return { ece: n === 0 ? Number.NaN : ece, mce: n === 0 ? Number.NaN : mce, bins };
}
