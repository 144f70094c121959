/**
 * A quantity that changes smoothly with age, given at a few ages: piecewise linear in log(age),
 * constant beyond the first and last point. Log age because infant physiology changes fastest in
 * the first weeks (e.g. the QRS axis and right-ventricular dominance).
 */
export type AgeCurve = ReadonlyArray<readonly [ageYears: number, value: number]>;

const DAY = 1 / 365.25;

/** The value of `curve` at `ageYears`. */
export function valueAtAge(curve: AgeCurve, ageYears: number): number {
  const first = curve[0];
  if (!first) throw new Error('empty age curve');
  const t = Math.log(Math.max(ageYears, DAY));
  if (t <= Math.log(first[0])) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [a1, v1] = curve[i] as readonly [number, number];
    const [a0, v0] = curve[i - 1] as readonly [number, number];
    const t1 = Math.log(a1);
    if (t <= t1) {
      const t0 = Math.log(a0);
      return v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
    }
  }
  return (curve[curve.length - 1] as readonly [number, number])[1];
}

/** Respiratory rate by age, breaths per minute, median (Fleming S et al., Lancet 2011;377:1011-1018). */
export const RESPIRATORY_RATE_PER_MIN: AgeCurve = [
  [3 * DAY, 45],
  [0.25, 42],
  [0.5, 38],
  [1, 33],
  [2, 28],
  [3, 25],
  [6, 22],
  [10, 19],
  [14, 17],
  [18, 15],
];
