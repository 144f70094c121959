import { FewbeatError } from '../errors.js';

/**
 * fewbeat's default novel classes: the five rhythms held out of meta-training and learnt from a
 * handful of examples. Rationale (clinical; see docs/method.md, "Base and novel classes"):
 *
 * - `jet` (junctional ectopic tachycardia): almost only in the days after congenital heart surgery;
 *   a general paediatric service sees a few a year, a clinician is typically shown a handful of
 *   post-operative tracings.
 * - `avb2_mobitz2` (Mobitz II block): rare in children and mostly post-operative or structural;
 *   the base classes keep its relatives (first-degree block, Mobitz I, complete block).
 * - `aflutter` (atrial flutter): rare, mostly neonatal; taught from a few examples of sawtooth waves.
 * - `vt` (ventricular tachycardia): rare and dangerous in children (myocarditis, cardiomyopathy,
 *   repaired tetralogy); the base classes keep PVCs, which share the wide-complex morphology.
 * - `brugada` (Brugada pattern): a rare channelopathy pattern, often unmasked by fever.
 *
 * The common rhythms a network can learn from many children (sinus rhythms and variants, SVT,
 * WPW, EAT, PACs, PVCs, AV blocks I/Mobitz I/complete, long QT, atrial fibrillation) stay base.
 */
export const DEFAULT_NOVEL_CLASSES = ['jet', 'avb2_mobitz2', 'aflutter', 'vt', 'brugada'] as const;

/** Base and novel classes of a run. */
export interface ClassSplit {
  base: string[];
  novel: string[];
}

/**
 * Resolve the class split from what the user asked for and what the cohort holds: unspecified
 * base classes are every cohort class that is not novel; unspecified novel classes are
 * {@link DEFAULT_NOVEL_CLASSES} present in the cohort and not asked to be base. Meta-training needs
 * `minBase` base classes (evaluation of a trained model needs none).
 */
export function resolveClassSplit(
  cohortClasses: readonly string[],
  asked: { base?: readonly string[] | undefined; novel?: readonly string[] | undefined },
  minBase = 2,
): ClassSplit {
  const present = new Set(cohortClasses);
  for (const c of [...(asked.base ?? []), ...(asked.novel ?? [])]) {
    if (!present.has(c))
      throw new FewbeatError(`class ${c} does not occur in the cohort (it has ${[...present].sort().join(', ')})`);
  }
  const novel = asked.novel
    ? [...asked.novel]
    : DEFAULT_NOVEL_CLASSES.filter((c) => present.has(c) && !(asked.base ?? []).includes(c));
  const base = asked.base ? [...asked.base] : [...present].filter((c) => !novel.includes(c)).sort();
  const both = base.filter((c) => novel.includes(c));
  if (both.length > 0) throw new FewbeatError(`class ${both[0]} is both a base and a novel class`);
  if (base.length < minBase)
    throw new FewbeatError(`meta-training needs at least 2 base classes, got ${base.length} (${base.join(', ')})`);
  return { base, novel };
}
