import { FewbeatError } from '../errors.js';
import { Rng } from '../util/rng.js';

/** Which part of the cohort a patient belongs to. */
export type SplitName = 'train' | 'val' | 'test' | 'novel';

/** What the splitter needs to know about one recording. */
export interface SplitItem {
  patientId: string;
  /** The recording's class id (its primary label). */
  label: string;
  /** The manifest's `split` cell, if any (`train`, `val`/`validation`, `test`). */
  manifestSplit?: string | null;
}

/** Options of {@link splitPatients}. */
export interface SplitOptions {
  /** Classes meta-training sees. */
  base: readonly string[];
  /** Classes held out entirely for few-shot evaluation. */
  novel: readonly string[];
  /** Fraction of base-class patients for validation. @default 0.15 */
  valFraction?: number;
  /** Fraction of base-class patients for testing (the generalised base + novel setting). @default 0.15 */
  testFraction?: number;
  seed: number;
}

const MANIFEST_SPLITS: Record<string, SplitName> = {
  train: 'train',
  val: 'val',
  validation: 'val',
  valid: 'val',
  test: 'test',
};

/**
 * Patient-disjoint split of a cohort, returning the split of every item.
 *
 * - A child with any recording of a novel class goes to `novel` with *all* their recordings:
 *   meta-training never sees that child, so few-shot evaluation on novel classes is clean.
 * - Remaining children (base classes only) go to train / val / test, stratified by their most
 *   frequent class so that rare base classes reach validation too. A manifest `split` column, when
 *   filled in for a patient, wins over the random draw.
 * - Items of classes in neither list get no split (`null`).
 */
export function splitPatients(items: readonly SplitItem[], options: SplitOptions): Array<SplitName | null> {
  const base = new Set(options.base);
  const novel = new Set(options.novel);
  for (const c of base) if (novel.has(c)) throw new FewbeatError(`class ${c} is both a base and a novel class`);
  const valFraction = options.valFraction ?? 0.15;
  const testFraction = options.testFraction ?? 0.15;
  if (!(valFraction >= 0 && testFraction >= 0 && valFraction + testFraction < 1)) {
    throw new FewbeatError(
      `split fractions val ${valFraction} + test ${testFraction} must be non-negative and below 1`,
    );
  }

  const patientSplit = new Map<string, SplitName>();
  const classCounts = new Map<string, Map<string, number>>();
  for (const item of items) {
    if (novel.has(item.label)) patientSplit.set(item.patientId, 'novel');
    const counts = classCounts.get(item.patientId) ?? new Map<string, number>();
    counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
    classCounts.set(item.patientId, counts);
  }
  for (const item of items) {
    const declared = item.manifestSplit ? MANIFEST_SPLITS[item.manifestSplit.toLowerCase()] : undefined;
    if (declared && !patientSplit.has(item.patientId)) patientSplit.set(item.patientId, declared);
  }

  // Stratify the undeclared base patients by their most frequent class (ties: alphabetical).
  const strata = new Map<string, string[]>();
  for (const [patient, counts] of classCounts) {
    if (patientSplit.has(patient)) continue;
    const main = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] as string;
    if (!base.has(main)) continue;
    const list = strata.get(main) ?? [];
    list.push(patient);
    strata.set(main, list);
  }
  const rng = new Rng(options.seed);
  for (const cls of [...strata.keys()].sort()) {
    const patients = rng.shuffle((strata.get(cls) as string[]).sort());
    const nVal = Math.round(patients.length * valFraction);
    const nTest = Math.round(patients.length * testFraction);
    patients.forEach((p, i) => patientSplit.set(p, i < nVal ? 'val' : i < nVal + nTest ? 'test' : 'train'));
  }

  return items.map((item) => {
    if (!base.has(item.label) && !novel.has(item.label)) return null;
    return patientSplit.get(item.patientId) ?? null;
  });
}
