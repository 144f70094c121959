import { basename } from 'node:path';
import type { ClinicalField, ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { readHeader } from '../wfdb/header.js';
import { findRecords, splitCodes } from './find-records.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { LabelMap, readLabelTable } from './label-map.js';

/**
 * PhysioNet/CinC Challenge 2020/2021 records (Perez Alday et al., Physiol Meas 41:124003, 2020;
 * Reyna et al., CinC 2021): `.hea` + `.mat` with header comments `#Age: 53`, `#Sex: Male`,
 * `#Dx: 164867002,427084000` (SNOMED CT), `#Rx`, `#Hx`, `#Sx` (free text, mostly `Unknown`).
 *
 * - Every sub-database, found recursively under SRC; the record-name prefix gives the source:
 *   A CPSC, Q CPSC-Extra, I St Petersburg INCART, S PTB, HR PTB-XL, E Georgia, JS Chapman-Shaoxing
 *   and Ningbo (2021).
 * - Labels: each Dx code is first replaced by its Challenge equivalent (three scored pairs count
 *   as one class), then mapped to a fewbeat class (data/labelmaps/snomed-ct.csv), else kept as
 *   `snomed:<abbreviation>` from the Challenge tables (`snomed:<code>` when not listed).
 * - The Challenge gives no patient ids, so each record is its own patient (PTB-XL and Georgia
 *   hold repeat patients: splits by record may leak between them).
 */
export const CHALLENGE_SOURCES: ReadonlyArray<[string, string]> = [
  ['HR', 'PTB-XL'],
  ['JS', 'Chapman-Shaoxing/Ningbo'],
  ['A', 'CPSC'],
  ['Q', 'CPSC-Extra'],
  ['I', 'INCART'],
  ['S', 'PTB'],
  ['E', 'Georgia'],
];

function sourceOf(name: string): string {
  return CHALLENGE_SOURCES.find(([prefix]) => name.startsWith(prefix))?.[1] ?? 'unknown';
}

/** `#Key: value` comments of a Challenge header. */
function commentFields(comments: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of comments) {
    const i = c.indexOf(':');
    if (i > 0) m.set(c.slice(0, i).trim().toLowerCase(), c.slice(i + 1).trim());
  }
  return m;
}

const UNKNOWN = /^(unknown|nan|none given|)$/i;

/** Free-text list (`#Rx: amiodarone, digoxin`) → lower-case items; `Unknown` → null. */
function freeList(text: string | undefined): string[] | null {
  if (text === undefined || UNKNOWN.test(text.trim())) return null;
  return [...new Set(splitCodes(text).map((s) => s.toLowerCase()))].sort();
}

export function importChallenge(src: string, opts: CommonImportOptions = {}): ImportedCohort {
  const records = findRecords(src);
  if (records.length === 0) throw new FewbeatError('no .hea records', { file: src });
  const snomed = new LabelMap('snomed-ct.csv', 'code');
  const sameAs = new Map(readLabelTable('challenge2020-equivalent-codes.csv').map((r) => [r.code!, r.same_as!]));
  const abbreviation = new Map(
    [
      ...readLabelTable('challenge2020/dx_mapping_scored.csv'),
      ...readLabelTable('challenge2020/dx_mapping_unscored.csv'),
    ].map((r) => [r['SNOMED CT Code']!, r.Abbreviation!]),
  );
  const rows: ImportedRow[] = [];
  const warnings: string[] = [];
  let badAges = 0;
  for (const recordPath of records) {
    const header = readHeader(recordPath);
    const f = commentFields(header.comments);
    const name = basename(recordPath);
    const codes = splitCodes(f.get('dx')).map((c) => sameAs.get(c) ?? c);
    const labels = [...new Set(codes.map((c) => snomed.label(c, 'snomed', abbreviation.get(c) ?? c)))];
    if (labels.length === 0) {
      warnings.push(`${name}: no #Dx codes, skipped`);
      continue;
    }
    const ageText = f.get('age') ?? '';
    let ageYears: number | null = /^\d+(\.\d+)?$/.test(ageText) ? Number(ageText) : null;
    if (ageYears !== null && ageYears > 120) {
      ageYears = null;
      badAges++;
    }
    const sexText = (f.get('sex') ?? '').toLowerCase();
    const sex = sexText === 'male' || sexText === 'm' ? 'M' : sexText === 'female' || sexText === 'f' ? 'F' : null;
    rows.push({
      recordPath,
      patientId: name,
      labels,
      ageYears,
      sex,
      split: null,
      window: null,
      clinical: {
        source_database: sourceOf(name),
        medications: freeList(f.get('rx')),
        history: freeList(f.get('hx')),
        symptoms: freeList(f.get('sx')),
      },
    });
  }
  if (badAges > 0) warnings.push(`${badAges} records with an age above 120 y read as unknown`);
  warnings.push('the Challenge gives no patient ids: each record is its own patient');
  const fields: ClinicalField[] = [
    {
      name: 'source_database',
      type: 'categorical',
      categories: [...new Set(rows.map((r) => r.clinical.source_database as string))].sort(),
      description: 'Challenge sub-database, from the record-name prefix',
    },
  ];
  for (const [name, what] of [
    ['medications', '#Rx'],
    ['history', '#Hx'],
    ['symptoms', '#Sx'],
  ] as const) {
    const labels = [...new Set(rows.flatMap((r) => (r.clinical[name] as string[] | null) ?? []))].sort();
    if (labels.length > 0) fields.push({ name, type: 'multi-label', labels, description: `${what} header comment` });
    else for (const r of rows) delete r.clinical[name];
  }
  const schema: ClinicalSchema = { version: 1, fields };
  return applyMaxAge({ format: 'challenge', src, schema, rows, warnings }, opts.maxAge);
}
