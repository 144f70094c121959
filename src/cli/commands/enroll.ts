import type { Command } from 'commander';
import { loadDataset } from '../../data/dataset.js';
import { selectEnrolmentRows } from '../../fewshot/enrol-selection.js';
import { describeContextDecision, enrolBank } from '../../fewshot/prototype-bank.js';
import { contextGateOf } from '../../fewshot/context-gate.js';
import { readCohort } from '../../io/manifest/index.js';
import { initBackend } from '../../runtime/backend.js';
import { join } from 'node:path';
import { modelVectorsWithViews } from '../../model-dir/model-vectors.js';
import { describeAugmentation, supportAugmentationOf } from '../../fewshot/support-augmentation.js';
import { abstentionThreshold, probabilityTemperature, readModelDir } from '../../model-dir/model-dir.js';
import { classifierOf } from '../../model-dir/train-config.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { emit, parseNumberOption } from '../output.js';
import { parseClassList } from './train.js';

export function register(program: Command): void {
  program
    .command('enroll')
    .description('build a prototype bank from K labelled examples per class (teach new rhythms without retraining)')
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--manifest <dir>', 'cohort folder with the labelled examples')
    .requiredOption('--out <file>', 'bank file to write (JSON)')
    .option('--classes <list>', "comma-separated classes to enrol (default: the model's novel classes)")
    .option('--shots <k>', 'examples per class, one per child (default: every recording of the class)')
    .option('--seed <n>', 'seed for choosing the K examples', '1')
    .option('--json', 'machine-readable summary')
    .action(
      async (opts: {
        model: string;
        manifest: string;
        out: string;
        classes?: string;
        shots?: string;
        seed: string;
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
          const chosen = selectEnrolmentRows(cohort.rows, classes, shots, seed);
          const dataset = loadDataset({ ...cohort, rows: chosen.map((c) => c.row) }, trained.spec);
          const augmentation = supportAugmentationOf(trained.extra, join(opts.model, 'config.json'));
          const vectors = modelVectorsWithViews(trained, dataset.examples, augmentation);
          const perClass = new Map<string, number>();
          for (const c of chosen) perClass.set(c.label, (perClass.get(c.label) ?? 0) + 1);
          const bankShots = Math.min(...perClass.values());
          const bank = enrolBank(
            dataset.examples.map((e, i) => ({
              class: (chosen[i] as { label: string }).label,
              record: e.record,
              patientId: e.patientId,
              embedding: Array.from(vectors.vectors[i] as Float32Array),
              ...(augmentation.views > 0 ? { views: (vectors.views[i] ?? []).map((v) => Array.from(v)) } : {}),
              ...(vectors.context ? { context: Array.from(vectors.context.vectors[i] as Float32Array) } : {}),
            })),
            abstentionThreshold(trained.extra, bankShots),
            {
              classifier: classifierOf(trained.extra.training),
              supportAugmentation: augmentation,
              probabilityTemperature: probabilityTemperature(trained.extra, bankShots),
              contextGate: contextGateOf(trained.extra, join(opts.model, 'config.json')),
            },
          );
          writeFileAtomic(opts.out, `${JSON.stringify(bank)}\n`);
          const temperature = bank.probabilityTemperature ?? 1;
          const gate = bank.contextGate ?? null;
          emit(
            {
              bank: opts.out,
              classes: Object.fromEntries(perClass),
              abstention: bank.abstention,
              supportAugmentation: augmentation,
              probabilityTemperature: temperature,
              contextGate: gate,
            },
            opts,
            (r) =>
              [
                `bank written to ${r.bank}`,
                ...(augmentation.views > 0 ? [`support-set augmentation: ${describeAugmentation(augmentation)}`] : []),
                ...Object.entries(r.classes).map(([c, n]) => `  ${c.padEnd(16)} ${n} example${n === 1 ? '' : 's'}`),
                r.abstention
                  ? `abstains ("unknown") beyond squared distance ${r.abstention.threshold.toFixed(2)} (validation ${r.abstention.quantile} quantile, ${r.abstention.shots}-shot)`
                  : 'no abstention threshold (the model has no validation calibration)',
                describeContextDecision(r.contextGate),
                r.probabilityTemperature !== 1
                  ? `probabilities at temperature ${r.probabilityTemperature.toFixed(2)} (fitted on validation children)`
                  : 'probabilities not temperature-scaled (the model has no fitted temperature)',
              ].join('\n'),
          );
        } finally {
          trained.model.dispose();
        }
      },
    );
}
