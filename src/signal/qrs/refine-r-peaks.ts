/**
 * Move each detection (a peak of the integrated QRS feature) to the R peak: the sample within
 * ±`halfWindowSeconds` where the lead with the largest QRS deflection deviates most from the
 * window's median-free baseline (the window mean). Leads are compared by their own peak-to-peak
 * range in each window, so the biggest complex of a multi-lead record wins. Result sorted, unique.
 */
export function refineToRPeaks(leads: readonly Float64Array[], detections: Int32Array, fs: number, halfWindowSeconds = 0.08): Int32Array {
  const w = Math.max(1, Math.round(halfWindowSeconds * fs));
  const out: number[] = [];
  for (const d of detections) {
    let bestLead: Float64Array | null = null;
    let bestRange = -1;
    const lo = Math.max(0, d - w);
    for (const x of leads) {
      const hi = Math.min(x.length - 1, d + w);
      let mn = Infinity, mx = -Infinity;
      for (let i = lo; i <= hi; i++) {
        const v = x[i]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      if (mx - mn > bestRange) {
        bestRange = mx - mn;
        bestLead = x;
      }
    }
    if (!bestLead) continue;
    const hi = Math.min(bestLead.length - 1, d + w);
    let mean = 0;
    for (let i = lo; i <= hi; i++) mean += bestLead[i]!;
    mean /= hi - lo + 1;
    let peak = d;
    let best = -1;
    for (let i = lo; i <= hi; i++) {
      const dev = Math.abs(bestLead[i]! - mean);
      if (dev > best) {
        best = dev;
        peak = i;
      }
    }
    if (out.length === 0 || peak > out[out.length - 1]!) out.push(peak);
  }
  return Int32Array.from(out);
}
