import { FewbeatError } from '../../errors.js';
import { validateSignal } from '../validate-signal.js';
import { checkQrsRate, isConstant, type QrsOptions } from './detect-qrs.js';
import { decideQrs } from './qrs-decision.js';
import { type QrsFeature, qrsFeature } from './qrs-feature.js';
import { refineToRPeaks } from './refine-r-peaks.js';

/**
 * Local noise floor of an integrated feature: for each 1-s block the median of the feature (between
 * beats, which most of any block is; from 32 evenly spaced samples), then the median of those over the surrounding ±2
 * blocks. Returns one value per block. A lead in a noisy stretch gets a high floor there.
 */
function noiseFloorPerSecond(f: Float64Array, fs: number): Float64Array {
  const block = Math.max(1, Math.round(fs));
  const nBlocks = Math.ceil(f.length / block);
  const blockMedian = new Float64Array(nBlocks);
  const step = Math.max(1, Math.floor(block / 32));
  const values = new Float64Array(Math.ceil(block / step));
  for (let b = 0; b < nBlocks; b++) {
    let k = 0;
    for (let i = b * block; i < Math.min(f.length, (b + 1) * block); i += step) values[k++] = f[i]!;
    const used = values.subarray(0, k).sort();
    blockMedian[b] = used[k >> 1]!;
  }
  const floor = new Float64Array(nBlocks);
  const around = new Float64Array(5);
  for (let b = 0; b < nBlocks; b++) {
    const lo = Math.max(0, b - 2);
    const hi = Math.min(nBlocks, b + 3);
    around.set(blockMedian.subarray(lo, hi));
    const near = around.subarray(0, hi - lo).sort();
    floor[b] = near[near.length >> 1]!;
  }
  return floor;
}

/**
 * Multi-lead QRS detector: each lead's QRS feature (see `qrsFeature`) is divided by its local noise
 * floor (see `noiseFloorPerSecond`) and these signal-to-noise features are summed, so a clean lead
 * dominates where another is noisy, and a beat small in one lead is still found in the others.
 * The single-lead decision rules (`decideQrs`) then run on the sum, and each detection is placed on
 * the largest band-passed deflection of the lead with the largest QRS there. Flat leads (no QRS energy) are skipped;
 * all leads must have the same length.
 */
export function detectQrsMultiLead(signals: readonly Float64Array[], fs: number, opts: QrsOptions = {}): Int32Array {
  if (signals.length === 0) throw new FewbeatError('QRS detection: no leads given', opts.origin ?? {});
  const n = signals[0]!.length;
  signals.forEach((x, i) => {
    if (x.length !== n)
      throw new FewbeatError(`QRS detection: lead ${i} has ${x.length} samples, lead 0 has ${n}`, opts.origin ?? {});
    validateSignal(x, fs, { file: opts.origin?.file, location: opts.origin?.location ?? `lead ${i}` }, 'QRS detection');
  });
  checkQrsRate(fs, opts.origin);
  const sum: Omit<QrsFeature, 'filtered'> = { slope: new Float64Array(n), integrated: new Float64Array(n) };
  const used: Float64Array[] = [];
  for (const x of signals) {
    if (isConstant(x)) continue;
    const feature = qrsFeature(x, fs, opts);
    const floor = noiseFloorPerSecond(feature.integrated, fs);
    const block = Math.max(1, Math.round(fs));
    if (!floor.some((v) => v > 0)) continue;
    const tiny = Math.max(...floor) * 1e-6;
    used.push(feature.filtered);
    for (let i = 0; i < n; i++) {
      const scale = Math.max(floor[Math.floor(i / block)]!, tiny);
      sum.slope[i]! += feature.slope[i]! / scale;
      sum.integrated[i]! += feature.integrated[i]! / scale;
    }
  }
  if (used.length === 0) return new Int32Array(0);
  return refineToRPeaks(used, decideQrs(sum, fs, opts), fs);
}
