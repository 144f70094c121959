import type { Command } from 'commander';
import { loadDataset } from '../../data/dataset.js';
import { selectEnrollmentRows } from '../../fewshot/enroll-selection.js';
import { bankHead, describeContextDecision } from '../../fewshot/prototype-bank.js';
import { readCohort } from '../../io/manifest/index.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { enrollInputs } from '../../model-dir/enroll-inputs.js';
import { initBackend } from '../../runtime/backend.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { loadEcg } from '../../io/load-ecg.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';
import { parseClassList } from './train.js';

export function register(program: Command): void {
  program
    .command('enroll')
    .description('build a prototype bank from K labelled examples per class (teach new rhythms without retraining)')
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--manifest <dir>', 'cohort folder with the labelled examples')
    .requiredOption('--out <file>', 'bank file to write (JSON)')
    .option('--classes <list>', "comma-separated classes to enroll (default: the model's novel classes)")
    .option('--shots <k>', 'examples per class, one per child (default: every recording of the class)')
    .option('--seed <n>', 'seed for choosing the K examples', '1')
    .option('--strict', STRICT_HELP)
    .option('--json', 'machine-readable summary')
    .action(
      async (opts: {
        model: string;
        manifest: string;
        out: string;
        classes?: string;
        shots?: string;
        seed: string;
        strict?: boolean;
        json?: boolean;
      }) => {
        const shots =
          opts.shots === undefined ? undefined : parseNumberOption('--shots', opts.shots, { integer: true, min: 1 });
        const seed = parseNumberOption('--seed', opts.seed, { integer: true, min: 0 });
        await initBackend();
        const trained = readModelDir(opts.model);
        try {
          const cohort = readCohort(opts.manifest);
          const classes = parseClassList(opts.classes) ?? trained.extra.classes.novel;
          const chosen = selectEnrollmentRows(cohort.rows, classes, shots, seed);
          const onWarning = stderrWarner();
          const dataset = loadDataset({ ...cohort, rows: chosen.map((c) => c.row) }, trained.spec, {
            loadRecord: (row) => loadEcg(row.recordPath, { window: row.window, strict: opts.strict, onWarning }),
          });
          const perClass = new Map<string, number>();
          for (const c of chosen) perClass.set(c.label, (perClass.get(c.label) ?? 0) + 1);
          const bank = enrollInputs(
            trained,
            dataset.examples.map((e, i) => ({
              class: (chosen[i] as { label: string }).label,
              record: e.record,
              patientId: e.patientId,
              input: e,
            })),
          );
          writeFileAtomic(opts.out, `${JSON.stringify(bank)}\n`);
          const head = bankHead(bank);
          const abstention = head.abstention;
          const temperature = head.temperature;
          const gate = bank.head.contextGate ? { ...bank.head.contextGate, ...bank.contextDecision } : null;
          emit(
            {
              bank: opts.out,
              classes: Object.fromEntries(perClass),
              abstention,
              probabilityTemperature: temperature,
              contextGate: gate,
            },
            opts,
            (r) =>
              [
                `bank written to ${r.bank}`,
                ...Object.entries(r.classes).map(([c, n]) => `  ${c.padEnd(16)} ${n} example${n === 1 ? '' : 's'}`),
                r.abstention
                  ? `abstains ("unknown") beyond squared distance ` +
                    `${r.abstention.threshold.toFixed(2)} (validation ` +
                    `${r.abstention.quantile} quantile, ${r.abstention.shots}-shot)`
                  : 'no abstention threshold (the model has no validation calibration)',
                describeContextDecision(bank.head.contextGate, bank.contextDecision),
                r.probabilityTemperature !== 1
                  ? `probabilities at temperature ${r.probabilityTemperature.toFixed(2)} ` +
                    `(fitted on validation children)`
                  : 'probabilities not temperature-scaled (the model has no fitted temperature)',
              ].join('\n'),
          );
        } finally {
          trained.model.dispose();
        }
      },
    );
}
