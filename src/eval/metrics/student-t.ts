import { FewbeatError } from '../../errors.js';

/**
 * t_{0.975, ν} for ν = 1 … 30 degrees of freedom (scipy.stats.t.ppf(0.975, ν), 6 decimals): the
 * multiplier of a two-sided 95 % interval of a mean of ν + 1 values.
 */
const T_975_TABLE = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139, 2.200985,
  2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658,
  2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
] as const;

/**
 * The 0.975 quantile of Student's t distribution with `df` degrees of freedom, the multiplier of
 * a two-sided 95 % confidence interval of a mean of n = df + 1 values: mean ± t·sd/√n.
 *
 * ν ≤ 30 is read from a table; beyond it the Cornish–Fisher expansion around the normal quantile
 * z = 1.96 (Abramowitz & Stegun 1964, 26.7.5), whose error there is below 1e-5:
 *
 *     t ≈ z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴,
 *     g₁ = (z³ + z)/4,   g₂ = (5z⁵ + 16z³ + 3z)/96,   g₃ = (3z⁷ + 19z⁵ + 17z³ − 15z)/384,
 *     g₄ = (79z⁹ + 776z⁷ + 1482z⁵ − 1920z³ − 945z)/92160.
 *
 * @param df degrees of freedom, an integer ≥ 1
 */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new FewbeatError(`degrees of freedom must be an integer ≥ 1, got ${df}`, { location: 'studentT975' });
  const tabled = T_975_TABLE[df - 1];
  if (tabled !== undefined) return tabled;
  const z = 1.959963984540054; // the normal 0.975 quantile (the episode CIs round it to 1.96)
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}
