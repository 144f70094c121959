import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { HITS_CLINICAL_SCHEMA, hitsCohortRows } from '../../archive/hits-cohort.js';
import { loadIndex } from '../../archive/index-format.js';
import { searchIndex, type ClassSearch, type SearchHit } from '../../archive/search-index.js';
import { FewbeatError } from '../../errors.js';
import { parseBank } from '../../fewshot/prototype-bank.js';
import { MANIFEST_FILE, writeCohort } from '../../io/manifest/index.js';
import { emit, parseNumberOption } from '../output.js';

function readBank(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new FewbeatError('cannot read the bank file', { file });
  }
  try {
    return parseBank(JSON.parse(text), file);
  } catch (e) {
    if (e instanceof SyntaxError) throw new FewbeatError(`not valid JSON: ${e.message}`, { file });
    throw e;
  }
}

/** The record cell of a hit in a manifest written to `dir` (relative path, WFDB without extension). */
function recordCell(dir: string, record: string): string {
  return relative(dir, record) || basename(record);
}

/** The hits as a cohort for review ({@link hitsCohortRows}), each record relative to the manifest. */
function exportManifest(target: string, searches: readonly ClassSearch[]): { dir: string; rows: number } {
  const abs = resolve(target);
  const dir = basename(abs) === MANIFEST_FILE ? dirname(abs) : abs;
  const rows = hitsCohortRows(searches, (record) => recordCell(dir, record));
  writeCohort(dir, HITS_CLINICAL_SCHEMA, rows);
  return { dir, rows: rows.length };
}

function describeHit(h: SearchHit): string {
  const where = h.window ? ` [${h.window.startS}-${h.window.endS} s]` : '';
  const measured = Object.entries(h.measurements)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} ${(v as number).toFixed(2)}`)
    .join(', ');
  const known = h.labels.length ? ` (labelled ${h.labels.join(';')})` : '';
  return (
    `  ${String(h.rank).padStart(3)}. ` +
    `${(100 * h.probability).toFixed(1).padStart(5)} %  distance ` +
    `${h.distance.toFixed(2)}` +
    `${h.abstained ? ' (unlike every class)' : ''}  ` +
    `${h.record}${where}${known}\n       ${measured || 'no measurements'}`
  );
}

/** `fewbeat search INDEX --bank BANK`: the archive's windows most like a taught class. */
export function register(program: Command): void {
  program
    .command('search')
    .description(
      "rank an archive index by a prototype bank's calibrated probability of a class, with each hit's measurements",
    )
    .argument('<index>', 'index folder written by fewbeat index')
    .requiredOption('--bank <file>', 'bank written by fewbeat enroll')
    .option('--class <c>', 'the class to search for (default: every class of the bank)')
    .option('--top <k>', 'hits per class', '20')
    .option('--include-enrolled', "keep the bank's own examples among the hits")
    .option('--export-manifest <dir>', 'write the hits as a cohort (manifest.csv) for review')
    .option('--json', 'machine-readable output')
    .action(
      async (
        indexDir: string,
        opts: {
          bank: string;
          class?: string;
          top: string;
          includeEnrolled?: boolean;
          exportManifest?: string;
          json?: boolean;
        },
      ) => {
        const top = parseNumberOption('--top', opts.top, { integer: true, min: 1 });
        const bank = readBank(opts.bank);
        const t0 = performance.now();
        const index = loadIndex(indexDir);
        const t1 = performance.now();
        const searches = await searchIndex(index, bank, {
          ...(opts.class ? { classes: [opts.class] } : {}),
          top,
          includeEnrolled: opts.includeEnrolled === true,
        });
        const t2 = performance.now();
        const exported = opts.exportManifest ? exportManifest(opts.exportManifest, searches) : null;
        emit(
          {
            index: indexDir,
            windows: index.windows.length,
            loadMs: t1 - t0,
            searchMs: t2 - t1,
            searches,
            exported,
          },
          opts,
          (r) =>
            [
              `${r.windows} windows searched in ${r.searchMs.toFixed(0)} ms (index ` +
                `loaded in ${r.loadMs.toFixed(0)} ms)`,
              ...r.searches.flatMap((s) => [
                `${s.class}:${
                  s.enrolledExcluded ? ` (${s.enrolledExcluded} of the bank's own examples left out)` : ''
                }`,
                ...s.hits.map(describeHit),
              ]),
              ...(r.exported
                ? [`hits written as a cohort: ${r.exported.dir}/${MANIFEST_FILE} (${r.exported.rows} rows)`]
                : []),
            ].join('\n'),
        );
      },
    );
}
