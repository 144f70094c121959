import { AGE_BAND_IDS, ageBandOf, type AgeBandId } from '../../clinical/age-bands.js';
import type { Cohort } from './cohort.js';
import { median } from '../../util/median.js';

/** Counts of a cohort by class, patient, age band, sex and split. */
export interface CohortSummary {
  dir: string;
  rows: number;
  patients: number;
  /** Per label: rows carrying it and distinct patients among them (a row with two labels counts in both). */
  classes: Record<string, { rows: number; patients: number }>;
  /** Rows per patient: the distribution and every patient's count. */
  perPatient: { min: number; median: number; max: number; rows: Record<string, number> };
  /** Rows per age band, every band present (zero when empty), in band order. */
  ageBands: Record<AgeBandId, number>;
  sex: { M: number; F: number; unknown: number };
  /** Rows per split (`none` for rows without one). */
  splits: Record<string, number>;
  /** Rows that are windows of longer records. */
  windows: number;
}

function sortedRecord<V>(entries: Iterable<[string, V]>): Record<string, V> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function summariseCohort(c: Cohort): CohortSummary {
  const perPatient = new Map<string, number>();
  const classRows = new Map<string, number>();
  const classPatients = new Map<string, Set<string>>();
  const ageBands = Object.fromEntries(AGE_BAND_IDS.map((id) => [id, 0])) as Record<AgeBandId, number>;
  const sex = { M: 0, F: 0, unknown: 0 };
  const splits = new Map<string, number>();
  let windows = 0;
  for (const row of c.rows) {
    perPatient.set(row.patientId, (perPatient.get(row.patientId) ?? 0) + 1);
    for (const label of new Set(row.labels)) {
      classRows.set(label, (classRows.get(label) ?? 0) + 1);
      let set = classPatients.get(label);
      if (!set) classPatients.set(label, (set = new Set()));
      set.add(row.patientId);
    }
    ageBands[ageBandOf(row.ageYears)]++;
    sex[row.sex ?? 'unknown']++;
    const split = row.split ?? 'none';
    splits.set(split, (splits.get(split) ?? 0) + 1);
    if (row.window !== null) windows++;
  }
  const counts = [...perPatient.values()].sort((a, b) => a - b);
  return {
    dir: c.dir,
    rows: c.rows.length,
    patients: perPatient.size,
    classes: sortedRecord(
      [...classRows].map(([label, rows]) => [label, { rows, patients: classPatients.get(label)!.size }]),
    ),
    perPatient: {
      min: counts[0] ?? 0,
      median: counts.length ? median(counts) : 0,
      max: counts.at(-1) ?? 0,
      rows: sortedRecord(perPatient),
    },
    ageBands,
    sex,
    splits: sortedRecord(splits),
    windows,
  };
}
