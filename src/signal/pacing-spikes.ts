/**
 * Pacemaker stimuli in median beats. A pacing spike lasts under 2 ms (one or two samples at
 * 500 Hz), far shorter than any deflection of the heart; pacemaker-pulse detectors test that
 * slew rate, which no cardiac wave reaches (IEC 60601-2-27; Hamilton, "Pacemaker pulse detection",
 * Comput Cardiol 1988).
 *
 * On each lead y with peak-to-peak amplitude A, a sample t is a spike sample when it departs from
 * the chord of its neighbours w = 4 ms away by more than `fraction`·A,
 *
 *     d(t) = |y(t) − (y(t − w) + y(t + w))/2| > fraction · A,
 *
 * and the spike is where d peaks within a run of such samples (a Gaussian R wave of σ ≥ 7 ms
 * departs from that chord by at most 1 − e^{−(4/7)²/2} ≈ 15 % of its height). A stimulus reaches
 * every lead at once: the spikes returned (ascending sample indices) are those found at the same
 * sample (±1) on at least two leads, or on the only lead.
 */
export function pacingSpikes(beats: readonly Float64Array[], fs: number, fraction = 0.4): number[] {
  const w = Math.max(1, Math.round(0.004 * fs));
  const votes = new Map<number, number>();
  for (const y of beats) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of y) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const limit = fraction * (hi - lo);
    if (!(limit > 0)) continue;
    const d = (t: number): number => Math.abs(y[t]! - (y[t - w]! + y[t + w]!) / 2);
    for (let t = w; t < y.length - w; t++) {
      if (d(t) <= limit) continue;
      let peak = t;
      while (t + 1 < y.length - w && d(t + 1) > limit) if (d(++t) > d(peak)) peak = t;
      votes.set(peak, (votes.get(peak) ?? 0) + 1);
    }
  }
  const needed = Math.min(2, beats.length);
  return [...votes.keys()]
    .filter((t) => (votes.get(t - 1) ?? 0) + votes.get(t)! + (votes.get(t + 1) ?? 0) >= needed)
    .filter((t) => !((votes.get(t - 1) ?? 0) >= votes.get(t)!))
    .sort((a, b) => a - b);
}
