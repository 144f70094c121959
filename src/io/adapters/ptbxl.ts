import { join } from 'node:path';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { resolveRecord } from '../manifest/record-format.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { LabelMap } from './label-map.js';
import { numberCell, readTable } from './read-table.js';

/**
 * PTB-XL (Wagner et al., Sci Data 7:154, 2020): `ptbxl_database.csv` (one row per ECG) and
 * `scp_statements.csv` (the SCP-ECG statement table), records under `records100/` or `records500/`.
 *
 * - Labels: the statements of `scp_codes` (`{'NORM': 100.0, 'SR': 0.0}`) whose likelihood is at
 *   least `minLikelihood`, or 0 (PTB-XL's "not stated", used for every rhythm and form statement).
 *   Each is mapped to a fewbeat class (data/labelmaps/scp-ecg.csv); unmapped rhythm statements are
 *   kept as `scp:<code>`; diagnostic statements add their superclass as `ptbxl:<NORM|MI|STTC|CD|HYP>`.
 * - `strat_fold` (1–10) is the split; `patient_id` the patient; age 300 (PTB-XL's code for ≥ 90)
 *   becomes 90; sex 0 → M, 1 → F; height (cm) and weight (kg) are clinical fields.
 */
export interface PtbxlImportOptions extends CommonImportOptions {
  minLikelihood?: number | undefined;
  sampling?: 100 | 500 | number | undefined;
}

const SCP_CODE = /'([^']+)'\s*:\s*([0-9.eE+-]+)/g;

function scpCodes(text: string): Array<[string, number]> {
  return [...text.matchAll(SCP_CODE)].map((m) => [m[1]!, Number(m[2])]);
}

export function importPtbxl(src: string, opts: PtbxlImportOptions = {}): ImportedCohort {
  const minLikelihood = opts.minLikelihood ?? 50;
  const sampling = opts.sampling ?? 500;
  if (sampling !== 100 && sampling !== 500)
    throw new FewbeatError(`sampling ${sampling} Hz: PTB-XL has 100 and 500 Hz records`);
  const fileColumn = sampling === 500 ? 'filename_hr' : 'filename_lr';
  const dbFile = join(src, 'ptbxl_database.csv');
  const db = readTable(dbFile, [
    'ecg_id',
    'patient_id',
    'age',
    'sex',
    'height',
    'weight',
    'scp_codes',
    'strat_fold',
    fileColumn,
  ]);
  const statements = new Map(readTable(join(src, 'scp_statements.csv')).map((r) => [r[''] ?? Object.values(r)[0]!, r]));
  const scp = new LabelMap('scp-ecg.csv', 'code');
  const rows: ImportedRow[] = [];
  const skipped = { noLabel: 0, noRecord: 0 };
  db.forEach((r, i) => {
    const labels = new Set<string>();
    for (const [code, likelihood] of scpCodes(r.scp_codes ?? '')) {
      if (likelihood !== 0 && likelihood < minLikelihood) continue;
      const st = statements.get(code);
      const cls = scp.classOf(code);
      if (cls) labels.add(cls);
      else if (st?.rhythm === '1.0' || st?.rhythm === '1') labels.add(`scp:${code}`);
      if ((st?.diagnostic === '1.0' || st?.diagnostic === '1') && st.diagnostic_class)
        labels.add(`ptbxl:${st.diagnostic_class}`);
    }
    if (labels.size === 0) {
      skipped.noLabel++;
      return;
    }
    const recordPath = join(src, r[fileColumn]!);
    if (resolveRecord(recordPath) === null) {
      skipped.noRecord++;
      return;
    }
    const age = numberCell(r.age);
    const sex = r.sex === '0' ? 'M' : r.sex === '1' ? 'F' : null;
    const height = numberCell(r.height);
    const weight = numberCell(r.weight);
    if (r.patient_id === undefined || r.patient_id.trim() === '')
      throw new FewbeatError('empty patient_id', { file: dbFile, location: `line ${i + 2}` });
    rows.push({
      recordPath,
      patientId: r.patient_id.replace(/\.0$/, ''),
      labels: [...labels].sort(),
      ageYears: age === null ? null : age >= 300 ? 90 : age,
      sex,
      split: r.strat_fold || null,
      window: null,
      clinical: {
        height_cm: height !== null && height >= 30 && height <= 250 ? height : null,
        weight_kg: weight !== null && weight >= 0.5 && weight <= 300 ? weight : null,
      },
    });
  });
  const schema: ClinicalSchema = {
    version: 1,
    fields: [
      { name: 'height_cm', type: 'numeric', unit: 'cm', range: [30, 250] },
      { name: 'weight_kg', type: 'numeric', unit: 'kg', range: [0.5, 300] },
    ],
  };
  const warnings = [
    `${db.length} ECGs: kept ${rows.length}, skipped ${skipped.noLabel} ` +
      `without a statement at likelihood ≥ ${minLikelihood} and ` +
      `${skipped.noRecord} whose ${sampling} Hz record is missing`,
  ];
  return applyMaxAge({ format: 'ptbxl', src, schema, rows, warnings }, opts.maxAge);
}
