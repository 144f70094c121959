import type { CohortRow } from '../io/manifest/cohort.js';
import { FewbeatError } from '../errors.js';
import { Rng } from '../util/rng.js';

/**
 * The manifest rows a bank is enrolled from: for each class, every row labelled with it, or with
 * `shots` = K, one recording of each of K children drawn with `seed` (children, not recordings, so
 * that a prototype is not one child's average). Fails with the numbers when a class has fewer
 * than K children.
 */
export function selectEnrollmentRows(
  rows: readonly CohortRow[],
  classes: readonly string[],
  shots: number | undefined,
  seed: number,
): Array<{ row: CohortRow; label: string }> {
  const rng = new Rng(seed);
  const out: Array<{ row: CohortRow; label: string }> = [];
  for (const label of classes) {
    const ofClass = rows.filter((r) => r.labels.includes(label));
    if (ofClass.length === 0) throw new FewbeatError(`class ${label} has no recording in the manifest`);
    if (shots === undefined) {
      out.push(...ofClass.map((row) => ({ row, label })));
      continue;
    }
    const byPatient = new Map<string, CohortRow[]>();
    for (const r of ofClass) byPatient.set(r.patientId, [...(byPatient.get(r.patientId) ?? []), r]);
    if (byPatient.size < shots)
      throw new FewbeatError(
        `class ${label} has ${byPatient.size} patients but ${shots}-shot enrolment needs ${shots}`,
      );
    for (const patient of rng.shuffle([...byPatient.keys()].sort()).slice(0, shots))
      out.push({ row: rng.pick(byPatient.get(patient) as CohortRow[]), label });
  }
  return out;
}
