import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { readHeader } from '../wfdb/header.js';
import { findRecords } from './find-records.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { LabelMap } from './label-map.js';

/**
 * The Lobachevsky University Electrocardiography Database (LUDB 1.0.1; Kalyakulina et al., IEEE Access 8:186181,
 * 2020): 200 ten-second 12-lead records at 500 Hz, one per subject, each header carrying the subject and the
 * cardiologists' conclusions as comments:
 *
 *     #<age>: 51
 *     #<sex>: F
 *     #<diagnoses>:
 *     #Rhythm: Sinus bradycardia.
 *     #Electric axis of the heart: left axis deviation.
 *     #Left ventricular hypertrophy.
 *
 * - Label: the rhythm statement mapped by data/labelmaps/ludb-rhythm.csv, else kept as `ludb:<statement>`.
 * - Patient = record (one record per subject). Age in years and sex from the comments; an age outside 0–130 or a
 *   sex other than M/F is refused, naming the header.
 * - Clinical fields: `pacemaker` (a statement about cardiac pacing) and `statements`, the other conclusions
 *   (axis, conduction, hypertrophy, ischaemia, ...) as a multi-label field.
 * - The cardiologists' wave marks (one annotation file per lead) are not read here; `npm run bench:ludb`
 *   scores the delineation against them.
 */
export function importLudb(src: string, opts: CommonImportOptions = {}): ImportedCohort {
  const rhythms = new LabelMap('ludb-rhythm.csv', 'rhythm', true);
  const rows: ImportedRow[] = [];
  const warnings: string[] = [];
  for (const recordPath of findRecords(src)) {
    const file = `${recordPath}.hea`;
    const comments = readHeader(recordPath).comments;
    const value = (key: string): string | undefined =>
      comments
        .find((c) => c.toLowerCase().startsWith(`${key.toLowerCase()}:`))
        ?.slice(key.length + 1)
        .trim();
    const rhythm = value('Rhythm')?.replace(/\.$/, '');
    if (!rhythm) {
      warnings.push(`${file}: no '#Rhythm:' comment (not an LUDB header), skipped`);
      continue;
    }
    const ageCell = value('<age>') ?? '';
    const ageYears = ageCell === '' ? null : Number(ageCell);
    if (ageYears !== null && !(Number.isFinite(ageYears) && ageYears >= 0 && ageYears <= 130))
      throw new FewbeatError(`comment <age>: '${ageCell}' is not an age in years (0-130)`, { file });
    const sexCell = (value('<sex>') ?? '').toUpperCase();
    if (sexCell !== '' && sexCell !== 'M' && sexCell !== 'F')
      throw new FewbeatError(`comment <sex>: '${sexCell}' is not M or F`, { file });
    const rhythmAt = comments.findIndex((c) => /^rhythm:/i.test(c));
    const statements = comments
      .slice(rhythmAt + 1)
      .map((c) => c.replace(/\.\s*$/, '').trim())
      .filter((c) => c !== '');
    rows.push({
      recordPath,
      patientId: `ludb-${recordPath.split('/').pop() ?? recordPath}`,
      labels: [rhythms.label(rhythm, 'ludb')],
      ageYears,
      sex: sexCell === '' ? null : (sexCell as 'M' | 'F'),
      split: null,
      window: null,
      clinical: {
        pacemaker: statements.some((s) => /pacing|pacemaker/i.test(s)),
        statements,
      },
    });
  }
  if (rows.length === 0)
    throw new FewbeatError('no LUDB record (a WFDB header with a #Rhythm comment) found', { file: src });
  const schema: ClinicalSchema = {
    version: 1,
    fields: [
      { name: 'pacemaker', type: 'boolean', description: 'a conclusion about cardiac pacing' },
      {
        name: 'statements',
        type: 'multi-label',
        labels: [...new Set(rows.flatMap((r) => r.clinical.statements as string[]))].sort(),
        description: "the cardiologists' conclusions besides the rhythm (axis, conduction, hypertrophy, ...)",
      },
    ],
  };
  return applyMaxAge({ format: 'ludb', src, schema, rows, warnings }, opts.maxAge);
}
