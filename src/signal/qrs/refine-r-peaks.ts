/**
 * Move each detection (a peak of the integrated QRS feature, which can sit anywhere inside a wide
 * complex) to the R peak: within ±`halfWindowSeconds`, but never past halfway to the neighbouring
 * detections (beats 200 ms apart at 300 bpm stay apart), take the lead whose peak-to-peak range is
 * largest there, and in it the sample farthest from the window mean. Result sorted and unique.
 */
export function refineToRPeaks(
  leads: readonly Float64Array[],
  detections: Int32Array,
  fs: number,
  halfWindowSeconds = 0.1,
): Int32Array {
  const w = Math.max(1, Math.round(halfWindowSeconds * fs));
  const out: number[] = [];
  detections.forEach((d, k) => {
    const prev = k > 0 ? detections[k - 1]! : -Infinity;
    const next = k + 1 < detections.length ? detections[k + 1]! : Infinity;
    const lo = Math.max(0, d - w, Math.ceil((prev + d) / 2));
    const hi = Math.min(leads[0]!.length - 1, d + w, Math.floor((d + next) / 2));
    let bestLead: Float64Array | null = null;
    let bestRange = -1;
    for (const x of leads) {
      let mn = Infinity,
        mx = -Infinity;
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
    if (!bestLead || hi < lo) return;
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
  });
  return Int32Array.from(out);
}
