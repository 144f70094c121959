import { FewbeatError } from '../../errors.js';
import { validateSignal } from '../validate-signal.js';
import type { QrsOptions } from './detect-qrs.js';
import { decideQrs } from './qrs-decision.js';
import { type QrsFeature, qrsFeature } from './qrs-feature.js';
import { refineToRPeaks } from './refine-r-peaks.js';

/**
 * Local noise floor of an integrated feature: for each 1-s block the median of the feature (between
 * beats, which most of any block is), then the median of those over the surrounding ±2 blocks.
 * Returns one value per block. A lead in a noisy stretch gets a high floor there.
 */
function noiseFloorPerSecond(f: Float64Array, fs: number): Float64Array {
  const block = Math.max(1, Math.round(fs));
  const nBlocks = Math.ceil(f.length / block);
  const blockMedian = new Float64Array(nBlocks);
  const step = Math.max(1, Math.floor(block / 64));
  for (let b = 0; b < nBlocks; b++) {
    const values: number[] = [];
    for (let i = b * block; i < Math.min(f.length, (b + 1) * block); i += step) values.push(f[i]!);
    values.sort((p, q) => p - q);
    blockMedian[b] = values[values.length >> 1]!;
  }
  const floor = new Float64Array(nBlocks);
  for (let b = 0; b < nBlocks; b++) {
    const around = Array.from(blockMedian.subarray(Math.max(0, b - 2), Math.min(nBlocks, b + 3))).sort((p, q) => p - q);
    floor[b] = around[around.length >> 1]!;
  }
  return floor;
}

/**
 * Multi-lead QRS detector: each lead's QRS feature (see `qrsFeature`) is divided by its local noise
 * floor (see `noiseFloorPerSecond`) and these signal-to-noise features are summed, so a clean lead
 * dominates where another is noisy, and a beat small in one lead is still found in the others.
 * The single-lead decision rules (`decideQrs`) then run on the sum, and each detection is placed on
 * the R peak of the lead with the largest deflection. Flat leads (no QRS energy) are skipped; all
 * leads must have the same length.
 */
export function detectQrsMultiLead(signals: readonly Float64Array[], fs: number, opts: QrsOptions = {}): Int32Array {
  if (signals.length === 0) throw new FewbeatError('QRS detection: no leads given', opts.origin ?? {});
  const n = signals[0]!.length;
  signals.forEach((x, i) => {
    if (x.length !== n) throw new FewbeatError(`QRS detection: lead ${i} has ${x.length} samples, lead 0 has ${n}`, opts.origin ?? {});
    validateSignal(x, fs, { file: opts.origin?.file, location: opts.origin?.location ?? `lead ${i}` }, 'QRS detection');
  });
  const sum: QrsFeature = { slope: new Float64Array(n), integrated: new Float64Array(n) };
  const used: Float64Array[] = [];
  for (const x of signals) {
    const feature = qrsFeature(x, fs, opts);
    const floor = noiseFloorPerSecond(feature.integrated, fs);
    const block = Math.max(1, Math.round(fs));
    if (!floor.some((v) => v > 0)) continue;
    const tiny = Math.max(...floor) * 1e-6;
    used.push(x);
    for (let i = 0; i < n; i++) {
      const scale = Math.max(floor[Math.floor(i / block)]!, tiny);
      sum.slope[i]! += feature.slope[i]! / scale;
      sum.integrated[i]! += feature.integrated[i]! / scale;
    }
  }
  if (used.length === 0) return new Int32Array(0);
  return refineToRPeaks(used, decideQrs(sum, fs, opts), fs);
}
