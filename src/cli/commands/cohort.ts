import type { Command } from 'commander';
import { AGE_BANDS } from '../../clinical/age-bands.js';
import { FewbeatError } from '../../errors.js';
import {
  formatProblem,
  readCohort,
  summariseCohort,
  validateCohort,
  type CohortSummary,
  type ManifestProblem,
} from '../../io/manifest/index.js';
import { emit } from '../output.js';

/** Patients listed one by one in the human summary up to this many; above, only the distribution. */
const PATIENTS_LISTED = 20;

function formatSummary(s: CohortSummary): string {
  const lines = [
    `cohort ${s.dir}: ${s.rows} rows${s.windows > 0 ? ` (${s.windows} windows)` : ''}, ${s.patients} patients`,
  ];
  lines.push('', 'class                          rows  patients');
  for (const [label, c] of Object.entries(s.classes))
    lines.push(`${label.padEnd(30)} ${String(c.rows).padStart(5)} ${String(c.patients).padStart(9)}`);
  lines.push('', `rows per patient: min ${s.perPatient.min}, median ${s.perPatient.median}, max ${s.perPatient.max}`);
  const patients = Object.entries(s.perPatient.rows);
  if (patients.length <= PATIENTS_LISTED)
    for (const [id, n] of patients) lines.push(`  ${id.padEnd(28)} ${String(n).padStart(5)}`);
  lines.push('', 'age band                        rows');
  const bandLabel = new Map<string, string>([
    ...AGE_BANDS.map((b) => [b.id, b.label] as const),
    ['unknown', 'unknown'],
  ]);
  for (const [band, n] of Object.entries(s.ageBands))
    lines.push(`${(bandLabel.get(band) ?? band).padEnd(30)} ${String(n).padStart(5)}`);
  lines.push('', `sex: M ${s.sex.M}, F ${s.sex.F}, unknown ${s.sex.unknown}`);
  lines.push(
    `splits: ${Object.entries(s.splits)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

export function register(program: Command): void {
  const cohort = program
    .command('cohort')
    .description('check and describe a cohort folder (manifest.csv + clinical-schema.json)');

  cohort
    .command('validate')
    .description('report every problem of a cohort, each with its line and column (exit 1 if there is an error)')
    .argument('<dir>', 'cohort folder')
    .option('--json', 'machine-readable output')
    .action((dir: string, opts: { json?: boolean }) => {
      const problems = validateCohort(dir);
      const errors = problems.filter((p) => p.severity === 'error').length;
      emit({ dir, errors, warnings: problems.length - errors, problems }, opts, (r) => {
        const lines = r.problems.map((p: ManifestProblem) => formatProblem(p));
        lines.push(
          `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`,
        );
        return lines.join('\n');
      });
      if (errors > 0)
        throw new FewbeatError(`${errors} problem${errors === 1 ? '' : 's'} in the cohort`, { file: dir });
    });

  cohort
    .command('summary')
    .description('counts per class, per patient, per age band, sex and split')
    .argument('<dir>', 'cohort folder')
    .option('--json', 'machine-readable output')
    .action((dir: string, opts: { json?: boolean }) => {
      emit(summariseCohort(readCohort(dir)), opts, formatSummary);
    });
}
