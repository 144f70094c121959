import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { resolveRecord } from '../manifest/record-format.js';
import { findRecords, splitCodes } from './find-records.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { LabelMap } from './label-map.js';
import { numberCell, readTable } from './read-table.js';
import { median } from '../../util/median.js';

/**
 * The Zhengzhou University pediatric ECG database (ZZU pECG; Tan et al., Sci Data 2025): WFDB
 * records under `Child_ecg/`, `AttributesDictionary.csv` (`Patient_ID, ECG_ID, Filename, Age`
 * in days as `572d`, `Gender, Lead` 9/12, `ICD-10 code, AHA_code, pSQI, basSQI, bSQI`),
 * `ECGCode.csv` (AHA code → statement) and `DiseaseCode.csv` (ICD-10 code → disease).
 *
 * - Labels (what this ECG shows): AHA statements mapped by their text
 *   (data/labelmaps/aha-statements.csv), else kept as `aha:<code>`. ICD-10 codes are the child's
 *   diagnoses, not findings of this ECG (a child with SVT often has a normal ECG between episodes),
 *   so their arrhythmia classes (data/labelmaps/icd10.csv) go into the clinical field
 *   `diagnosed_arrhythmias`, and become labels only for a row without AHA codes.
 * - Clinical fields: lead count, the three quality indices, the ICD-10 codes, the arrhythmia classes
 *   they name, and whether any is a congenital heart malformation (Q20–Q28). No ICD-10 code = missing.
 * - Age in years = days / 365.25. Lead count correlates with age (9-lead recordings are mostly
 *   neonates), so a model can read age from the lead mask: the import reports that bias.
 */
const SQI_FIELDS = ['pSQI', 'basSQI', 'bSQI'] as const;
const CHD = /^Q2[0-8]/;

/** Code → description from a two-column code table (first column code, second description). */
function codeTable(file: string): Map<string, string> {
  if (!existsSync(file)) return new Map();
  return new Map(
    readTable(file).map((r) => {
      const v = Object.values(r);
      return [v[0]!.trim(), (v[1] ?? '').trim()];
    }),
  );
}

export function importZzu(src: string, opts: CommonImportOptions = {}): ImportedCohort {
  const attrFile = join(src, 'AttributesDictionary.csv');
  const attrs = readTable(attrFile, [
    'Patient_ID',
    'ECG_ID',
    'Filename',
    'Age',
    'Gender',
    'Lead',
    'ICD-10 code',
    'AHA_code',
    ...SQI_FIELDS,
  ]);
  const ahaText = codeTable(join(src, 'ECGCode.csv'));
  const aha = new LabelMap('aha-statements.csv', 'statement', true);
  const icd = new LabelMap('icd10.csv', 'code');
  const byId = new Map<string, string>();
  const childDir = join(src, 'Child_ecg');
  if (existsSync(childDir)) for (const r of findRecords(childDir)) byId.set(basename(r), r);
  const rows: ImportedRow[] = [];
  const warnings: string[] = [];
  let outOfRangeSqi = 0;
  attrs.forEach((r, i) => {
    const where = { file: attrFile, location: `line ${i + 2}` };
    const fname = (r.Filename ?? '').replace(/\.(hea|dat)$/i, '');
    const recordPath = [join(src, fname), join(childDir, fname), byId.get(r.ECG_ID ?? '') ?? ''].find(
      (p) => p !== '' && resolveRecord(p) !== null,
    );
    if (!recordPath) {
      warnings.push(`${attrFile} line ${i + 2}: record ${r.Filename} not found, skipped`);
      return;
    }
    const ageMatch = /^(\d+(?:\.\d+)?)\s*d$/i.exec((r.Age ?? '').trim());
    if (r.Age?.trim() && !ageMatch)
      throw new FewbeatError(`column Age: '${r.Age}' is not an age in days such as 572d`, where);
    const ageYears = ageMatch ? Math.round((Number(ageMatch[1]) / 365.25) * 1e6) / 1e6 : null;
    const g = (r.Gender ?? '').trim().toLowerCase();
    const sex = ['m', 'male', '男', '1'].includes(g) ? 'M' : ['f', 'female', '女', '0'].includes(g) ? 'F' : null;
    const ahaCodes = splitCodes(r.AHA_code);
    const icdCodes = splitCodes(r['ICD-10 code']);
    const diagnosed = [
      ...new Set(icdCodes.map((c) => icd.classOf(c)).filter((c): c is string => c !== undefined)),
    ].sort();
    const labels = new Set<string>(ahaCodes.map((code) => aha.classOf(ahaText.get(code) ?? '') ?? `aha:${code}`));
    if (labels.size === 0) for (const cls of diagnosed) labels.add(cls);
    if (labels.size === 0) {
      warnings.push(`${attrFile} line ${i + 2}: no AHA or ICD-10 code, skipped`);
      return;
    }
    const lead = (r.Lead ?? '').trim();
    const clinical: Record<string, number | string | string[] | boolean | null> = {
      lead_count: lead === '9' || lead === '12' ? lead : null,
      icd10: icdCodes.length > 0 ? icdCodes : null,
      diagnosed_arrhythmias: icdCodes.length > 0 ? diagnosed : null,
      congenital_heart_disease: icdCodes.length > 0 ? icdCodes.some((c) => CHD.test(c)) : null,
    };
    for (const f of SQI_FIELDS) {
      const v = numberCell(r[f]);
      if (v !== null && (v < 0 || v > 1)) outOfRangeSqi++;
      clinical[f] = v !== null && v >= 0 && v <= 1 ? v : null;
    }
    rows.push({
      recordPath,
      patientId: (r.Patient_ID ?? '').trim() || (r.ECG_ID ?? ''),
      labels: [...labels].sort(),
      ageYears,
      sex,
      split: null,
      window: null,
      clinical,
    });
  });
  if (outOfRangeSqi > 0) warnings.push(`${outOfRangeSqi} quality indices outside [0, 1] read as missing`);
  warnings.push(leadAgeBias(rows));
  const present = (name: string): string[] =>
    [...new Set(rows.flatMap((r) => (r.clinical[name] as string[] | null) ?? []))].sort();
  const icdLabels = present('icd10');
  const diagnosedLabels = present('diagnosed_arrhythmias');
  for (const r of rows) {
    if (icdLabels.length === 0) delete r.clinical.icd10;
    if (diagnosedLabels.length === 0) delete r.clinical.diagnosed_arrhythmias;
  }
  const schema: ClinicalSchema = {
    version: 1,
    fields: [
      {
        name: 'lead_count',
        type: 'categorical',
        categories: ['9', '12'],
        description: 'leads recorded; 9-lead recordings come mostly from neonates',
      },
      ...SQI_FIELDS.map((name) => ({
        name,
        type: 'numeric' as const,
        unit: '1',
        range: [0, 1] as [number, number],
        description: 'signal quality index from AttributesDictionary.csv',
      })),
      ...(icdLabels.length > 0
        ? [
            {
              name: 'icd10',
              type: 'multi-label' as const,
              labels: icdLabels,
              description: 'ICD-10 diagnoses (DiseaseCode.csv)',
            },
          ]
        : []),
      ...(diagnosedLabels.length > 0
        ? [
            {
              name: 'diagnosed_arrhythmias',
              type: 'multi-label' as const,
              labels: diagnosedLabels,
              description: 'fewbeat classes named by the ICD-10 diagnoses',
            },
          ]
        : []),
      { name: 'congenital_heart_disease', type: 'boolean', description: 'any ICD-10 code Q20-Q28' },
    ],
  };
  return applyMaxAge({ format: 'zzu', src, schema, rows, warnings }, opts.maxAge);
}

/** Median age (days) of 9-lead vs 12-lead rows: the lead mask leaks age when they differ. */
function leadAgeBias(rows: ImportedRow[]): string {
  const days = (lead: string): number[] =>
    rows
      .filter((r) => r.clinical.lead_count === lead && r.ageYears !== null)
      .map((r) => Math.round(r.ageYears! * 365.25));
  const [nine, twelve] = [days('9'), days('12')];
  return (
    `lead count correlates with age (9-lead: ${nine.length} recordings, ` +
    `median age ${nine.length ? median(nine) : '?'} d; 12-lead: ` +
    `${twelve.length}, median ${twelve.length ? median(twelve) : '?'} ` +
    `d): a model can read age from the lead mask; compare results within lead counts`
  );
}
