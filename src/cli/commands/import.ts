import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { IMPORT_FORMATS, importDataset, type ImportFormat } from '../../io/adapters/index.js';
import { writeImportedCohort } from '../../io/adapters/imported-cohort.js';
import { splitList } from '../../io/manifest/cells.js';
import { formatProblem, validateCohort } from '../../io/manifest/index.js';
import { emit, parseNumberOption } from '../output.js';

interface ImportCliOptions {
  out: string;
  copy?: boolean;
  json?: boolean;
  maxAge?: string;
  window?: string;
  mixed?: string;
  maxNoise?: string;
  annotator?: string;
  minLikelihood?: string;
  sampling?: string;
  labels?: string;
  schema?: string;
  label?: string;
}

export function register(program: Command): void {
  program
    .command('import')
    .description(
      'turn a dataset in a standard layout, or a folder of mixed-format ' +
        'ECG exports (folder), into a fewbeat cohort (manifest.csv + ' +
        'clinical-schema.json) pointing at its records',
    )
    .argument('<format>', `dataset layout: ${IMPORT_FORMATS.join(', ')}`)
    .argument('<src>', 'the dataset folder')
    .requiredOption('--out <dir>', 'cohort folder to write')
    .option('--copy', 'copy the records into <out>/records instead of pointing at them')
    .option('--max-age <years>', 'keep only patients younger than this (rows of unknown age are dropped)')
    .option('--window <seconds>', 'mitdb: window length', '10')
    .option('--mixed <mode>', 'mitdb: windows spanning a rhythm change: drop | majority', 'drop')
    .option('--max-noise <fraction>', 'mitdb: drop windows noisier than this fraction', '0.5')
    .option('--annotator <ext>', 'mitdb: annotation file extension', 'atr')
    .option(
      '--min-likelihood <percent>',
      'ptbxl: keep SCP statements of at least this likelihood (unstated, written 0, always count)',
      '50',
    )
    .option('--sampling <hz>', 'ptbxl: 100 or 500 Hz records', '500')
    .option('--labels <csv>', 'wfdb-dir: CSV of labels and clinical fields keyed by record')
    .option('--schema <json>', 'wfdb-dir: clinical-schema.json for the CSV columns (default: inferred)')
    .option(
      '--label <classes>',
      'folder: class ids (;-separated) given to every recording (default: source:unlabelled, to edit before training)',
    )
    .option('--json', 'machine-readable output')
    .action((format: string, src: string, o: ImportCliOptions) => {
      if (!(IMPORT_FORMATS as readonly string[]).includes(format))
        throw new UsageError(`unknown format '${format}', expected one of ${IMPORT_FORMATS.join(', ')}`);
      if (o.mixed !== 'drop' && o.mixed !== 'majority')
        throw new UsageError(`option --mixed: expected drop or majority, got '${o.mixed}'`);
      const sampling = parseNumberOption('--sampling', o.sampling ?? '500', { integer: true });
      if (sampling !== 100 && sampling !== 500)
        throw new UsageError(`option --sampling: expected 100 or 500, got '${o.sampling}'`);
      const cohort = importDataset(format as ImportFormat, src, {
        maxAge: o.maxAge === undefined ? undefined : parseNumberOption('--max-age', o.maxAge, { min: 0 }),
        windowS: parseNumberOption('--window', o.window ?? '10', { min: 0.1 }),
        mixed: o.mixed,
        maxNoise: parseNumberOption('--max-noise', o.maxNoise ?? '0.5', { min: 0, max: 1 }),
        annotator: o.annotator,
        minLikelihood: parseNumberOption('--min-likelihood', o.minLikelihood ?? '50', { min: 0, max: 100 }),
        sampling,
        labels: o.labels,
        schema: o.schema,
        label: o.label === undefined ? undefined : splitList(o.label),
      });
      const written = writeImportedCohort(o.out, cohort, { copy: o.copy });
      const problems = validateCohort(o.out);
      emit(
        {
          format,
          src,
          out: o.out,
          rows: written.rows,
          copiedFiles: written.copiedFiles,
          warnings: cohort.warnings,
          problems,
        },
        o,
        (r) =>
          [
            `${r.format}: wrote ${r.rows} rows to ` +
              `${r.out}/manifest.csv${r.copiedFiles > 0 ? ` (${r.copiedFiles} files copied)` : ''}`,
            ...r.warnings.map((w) => `note: ${w}`),
            ...r.problems.map(formatProblem),
            `next: fewbeat cohort summary ${r.out}`,
          ].join('\n'),
      );
    });
}
