/**
 * Bimodal compression of SCP-ECG rhythm data (EN 1064:2005 §5.8.2; section 6 byte 5 = 1): inside the protected
 * areas of section 4 (around each QRS) every sample is stored at the full rate of the reference beat (section 5's
 * sample interval); outside them one value is stored per `rate` full-rate samples (their mean; rate = section 6's
 * interval / section 5's interval, 1 to 4).
 *
 * Layout, walking a lead's full-rate samples t = 0, 1, … (absolute sample number s = leadStart + t, 1-based):
 * a sample inside a protected area [start, end] is stored on its own; otherwise the next `rate` samples (fewer at
 * the lead's end) share one stored value.
 *
 * Reconstruction (the standard leaves the interpolation to the decoder): the protected samples are exact; every other
 * sample is linearly interpolated between the nearest known points, which are the protected samples and the block
 * values placed at their blocks' centres (held flat beyond the first and last point). A signal that is linear over a
 * stretch is reconstructed exactly there.
 */

export interface ProtectedArea {
  /** 1-based first and last full-rate sample number (inclusive). */
  start: number;
  end: number;
}

/** The blocks of one lead: per stored value, its first full-rate index (0-based in the lead) and its length. */
function blocks(leadStart: number, n: number, rate: number, areas: readonly ProtectedArea[]): Int32Array {
  const out: number[] = [];
  const sorted = [...areas].sort((a, b) => a.start - b.start);
  let area = 0;
  for (let t = 0; t < n;) {
    const s = leadStart + t;
    while (area < sorted.length && sorted[area]!.end < s) area++;
    const inside = area < sorted.length && sorted[area]!.start <= s;
    const len = inside ? 1 : Math.min(rate, n - t);
    out.push(t, len);
    t += len;
  }
  return Int32Array.from(out);
}

/** How many values a lead of `n` full-rate samples stores. */
export function bimodalStoredCount(
  leadStart: number,
  n: number,
  rate: number,
  areas: readonly ProtectedArea[],
): number {
  return blocks(leadStart, n, rate, areas).length / 2;
}

/** The lead's `n` full-rate samples (in stored units) from its stored values. */
export function expandBimodal(
  stored: Int32Array,
  leadStart: number,
  n: number,
  rate: number,
  areas: readonly ProtectedArea[],
): Float64Array {
  const b = blocks(leadStart, n, rate, areas);
  const m = b.length / 2;
  // known points: block centre -> stored value (a protected sample is a block of length 1: its centre is itself)
  const at = new Float64Array(m);
  for (let k = 0; k < m; k++) at[k] = b[2 * k]! + (b[2 * k + 1]! - 1) / 2;
  const out = new Float64Array(n);
  let k = 0;
  for (let t = 0; t < n; t++) {
    while (k + 1 < m && at[k + 1]! <= t) k++;
    if (t <= at[0]!) out[t] = stored[0]!;
    else if (k + 1 >= m) out[t] = stored[m - 1]!;
    else {
      const w = (t - at[k]!) / (at[k + 1]! - at[k]!);
      out[t] = stored[k]! + w * (stored[k + 1]! - stored[k]!);
    }
  }
  return out;
}
