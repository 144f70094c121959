import { basename } from 'node:path';
import type { ClinicalContext, ClinicalField, ClinicalSchema, ClinicalValue } from '../clinical/schema.js';
import { FewbeatError } from '../errors.js';
import type { Cohort, CohortRow } from '../io/manifest/cohort.js';
import { knownClassIds } from '../io/manifest/known-classes.js';

/** Largest per-cohort sampling weight accepted; weights lie in (0, MAX_COHORT_WEIGHT]. */
export const MAX_COHORT_WEIGHT = 10;

/** Separator between a cohort's name and its own patient id in a mixed cohort: `mitdb:201`. */
const NAMESPACE = ':';

/** One cohort of a mix, as given by the user. */
export interface CohortSource {
  cohort: Cohort;
  /** Sampling weight w_k of each of its patients in training episodes, in (0, 10]. */
  weight: number;
  /** Where it came from in messages, e.g. `--add-manifest /data/mitdb` (default: its folder). */
  origin?: string;
}

/** What a model directory and its metrics record of a mix: each cohort's name, folder and weight. */
export interface CohortMixEntry {
  name: string;
  dir: string;
  weight: number;
}

/** The cohorts of a mixed cohort, the first one primary (its clinical schema is the mix's). */
export interface CohortMix {
  cohorts: CohortMixEntry[];
}

/** The name of a cohort in a mix: its folder's name. */
export function cohortName(cohort: Cohort): string {
  return basename(cohort.dir);
}

/** The cohort name a mixed cohort's patient id starts with (`mitdb:201` -> `mitdb`; '' when not namespaced). */
export function cohortOfPatient(patientId: string): string {
  return patientId.slice(0, Math.max(0, patientId.indexOf(NAMESPACE)));
}

/** The sampling weight of a mixed cohort's patient: the weight of the cohort it comes from. */
export function patientWeight(mix: CohortMix, patientId: string): number {
  const name = cohortOfPatient(patientId);
  const entry = mix.cohorts.find((c) => c.name === name);
  if (!entry) throw new FewbeatError(`patient ${patientId} belongs to no cohort of the mix`);
  return entry.weight;
}

/**
 * A cell of another cohort in the primary schema's field `field`: kept when that cohort has a
 * field of the same name and type and the value is valid for the primary field (numeric within its
 * range, a known category, a multi-label set whose labels the primary field all knows), else
 * missing (null).
 */
function conformValue(field: ClinicalField, own: ClinicalField | undefined, value: ClinicalValue): ClinicalValue {
  if (value === null || value === undefined || own?.type !== field.type) return null;
  switch (field.type) {
    case 'numeric':
      return typeof value === 'number' && value >= field.range[0] && value <= field.range[1] ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'categorical':
      return typeof value === 'string' && field.categories.includes(value) ? value : null;
    case 'multi-label': {
      if (!Array.isArray(value)) return null;
      const known = value.filter((l) => field.labels.includes(l));
      return known.length === value.length ? known : null;
    }
  }
}

/** A row's clinical context in `schema` (see {@link conformValue}); `own` is the row's cohort schema. */
function conformClinical(clinical: ClinicalContext, own: ClinicalSchema, schema: ClinicalSchema): ClinicalContext {
  const out: ClinicalContext = {};
  for (const field of schema.fields) {
    if (field.name === 'age_years' || field.name === 'sex') continue;
    out[field.name] = conformValue(
      field,
      own.fields.find((f) => f.name === field.name),
      clinical[field.name] ?? null,
    );
  }
  return out;
}

/**
 * A cohort's rows in another clinical schema, for a model or mix whose schema it is: clinical
 * fields conformed (fields the cohort lacks are missing), labels reduced to fewbeat's class ids
 * (namespaced source labels such as `snomed:LAD` dropped), rows left without a class dropped.
 */
export function conformCohort(cohort: Cohort, schema: ClinicalSchema): Cohort {
  const known = knownClassIds();
  const rows: CohortRow[] = [];
  for (const row of cohort.rows) {
    const labels = row.labels.filter((l) => known.has(l));
    if (labels.length === 0) continue;
    rows.push({ ...row, labels, clinical: conformClinical(row.clinical, cohort.schema, schema) });
  }
  return { dir: cohort.dir, schema, rows };
}

/**
 * The union of several cohorts as one cohort. The first source is primary: the mix takes its
 * folder and clinical schema, and every other cohort's rows are conformed to that schema
 * ({@link conformCohort}). Patient ids are namespaced by cohort name (`<folder name>:<patient id>`),
 * so two datasets never share a patient and the splitter keeps every cohort's patients apart. Rows
 * keep their own record paths and manifest lines, so messages still point into their own manifest.
 */
export function mixCohorts(sources: readonly CohortSource[]): { cohort: Cohort; mix: CohortMix } {
  const primary = sources[0];
  if (!primary) throw new FewbeatError('a cohort mix needs at least one cohort');
  const names = new Set<string>();
  const rows: CohortRow[] = [];
  const cohorts: CohortMixEntry[] = [];
  for (const source of sources) {
    const where = source.origin ?? source.cohort.dir;
    if (!(source.weight > 0 && source.weight <= MAX_COHORT_WEIGHT))
      throw new FewbeatError(`${where}: weight ${source.weight} is not in (0, ${MAX_COHORT_WEIGHT}]`);
    const name = cohortName(source.cohort);
    if (names.has(name))
      throw new FewbeatError(`${where}: a cohort named ${name} is already in the mix (cohorts are named by folder)`);
    names.add(name);
    const conformed = source === primary ? source.cohort : conformCohort(source.cohort, primary.cohort.schema);
    if (conformed.rows.length === 0) throw new FewbeatError(`${where}: no row has a fewbeat class`);
    for (const row of conformed.rows) rows.push({ ...row, patientId: `${name}${NAMESPACE}${row.patientId}` });
    cohorts.push({ name, dir: source.cohort.dir, weight: source.weight });
  }
  return { cohort: { dir: primary.cohort.dir, schema: primary.cohort.schema, rows }, mix: { cohorts } };
}
