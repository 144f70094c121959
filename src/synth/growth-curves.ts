import { readFileSync } from 'node:fs';
import type { Sex } from './age-norms.js';

interface LmsSeries {
  L: number[];
  M: number[];
  S: number[];
}
interface GrowthFile {
  ageMonths: number[];
  weightKg: Record<Sex, LmsSeries>;
  heightCm: Record<Sex, LmsSeries>;
}

let cached: GrowthFile | null = null;

function table(): GrowthFile {
  cached ??= JSON.parse(
    readFileSync(new URL('../../data/growth/who2006-cdc2000-lms.json', import.meta.url), 'utf8'),
  ) as GrowthFile;
  return cached;
}

/** L, M, S at `ageYears`, linearly interpolated between the grid ages of the table. */
function lmsAt(series: LmsSeries, ageYears: number): { L: number; M: number; S: number } {
  const ages = table().ageMonths;
  const months = Math.min(Math.max(ageYears * 12, ages[0] as number), ages[ages.length - 1] as number);
  let i = 0;
  while (i < ages.length - 2 && months > (ages[i + 1] as number)) i++;
  const a0 = ages[i] as number;
  const f = (months - a0) / ((ages[i + 1] as number) - a0);
  const at = (xs: number[]): number => (xs[i] as number) + f * ((xs[i + 1] as number) - (xs[i] as number));
  return { L: at(series.L), M: at(series.M), S: at(series.S) };
}

/**
 * The measurement at z-score `z` by the LMS method (Cole TJ, Green PJ, Stat Med 1992;11:1305-1319):
 *
 *     X = M · (1 + L·S·z)^(1/L)   (L ≠ 0),     X = M · exp(S·z)   (L = 0).
 *
 * Growth references: WHO Child Growth Standards 2006 to 5 y, CDC 2000 from 6 y
 * (data/growth/who2006-cdc2000-lms.json, with sources).
 */
export function lmsValue(kind: 'weightKg' | 'heightCm', sex: Sex, ageYears: number, z: number): number {
  const { L, M, S } = lmsAt(table()[kind][sex], ageYears);
  return Math.abs(L) < 1e-6 ? M * Math.exp(S * z) : M * Math.pow(Math.max(1e-6, 1 + L * S * z), 1 / L);
}
