import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { MAX_COHORT_WEIGHT } from '../../data/cohort-mix.js';
import { DEFAULT_PREPROCESS } from '../../data/preprocess.js';
import { UsageError } from '../../errors.js';
import { formatLodo, leaveOneDatasetOut } from '../../eval/run/leave-one-dataset-out.js';
import { initBackend } from '../../runtime/backend.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { emit, parseNumberOption } from '../output.js';
import { ENGINE_HELP, parseCohortWeight, trainConfigFromFlags, WORKERS_HELP, type TrainFlags } from './train.js';

/** `--real mitdb=DIR,ludb=DIR` -> [{ name, dir }]; two or more, names unique. */
export function parseRealSets(raw: string): Array<{ name: string; dir: string }> {
  const sets = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const eq = s.indexOf('=');
      if (eq <= 0 || eq === s.length - 1)
        throw new UsageError(`option --real: expected NAME=DIR[,NAME=DIR...], got '${s}'`);
      return { name: s.slice(0, eq), dir: s.slice(eq + 1) };
    });
  if (sets.length < 2) throw new UsageError(`option --real: leave-one-dataset-out needs two or more real sets`);
  return sets;
}

export function register(program: Command): void {
  program
    .command('eval-lodo')
    .description(
      'leave-one-dataset-out: for each real set, train on the synthetic cohort + the other real sets and ' +
        'compare it with the synthetic-only model on few-shot episodes of the held-out set',
    )
    .requiredOption('--synthetic <dir>', 'synthetic cohort folder (fewbeat synth); its clinical schema is used')
    .requiredOption('--real <name=dir,...>', 'imported real cohorts (fewbeat import), two or more')
    .requiredOption('--out <dir>', 'folder for the models (synthetic-only/, without-<name>/) and lodo.json')
    .option('--weight <w>', `sampling weight of each real set in training, in (0, ${MAX_COHORT_WEIGHT}]`, '1')
    .option('--preset <name>', 'model preset (data/presets)', 'default')
    .option('--episodes <n>', 'training episodes of each model (default 2000)')
    .option('--ways <n>', 'classes per training episode (default 5)')
    .option('--shots <n>', 'support examples per class in training (default 5)')
    .option('--queries <n>', 'query examples per class in training (default 5)')
    .option('--validate-every <n>', 'validate each model every n training episodes (default 100)')
    .option('--workers <n>', WORKERS_HELP)
    .option('--engine <name>', ENGINE_HELP)
    .option('--eval-shots <k>', 'support recordings per class on the held-out set', '5')
    .option('--eval-queries <n>', 'query recordings per class on the held-out set', '5')
    .option('--eval-episodes <n>', 'episodes on each held-out set', '200')
    .option('--seed <n>', 'seed of training and of the episodes', '1')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: TrainFlags & {
          synthetic: string;
          real: string;
          out: string;
          weight: string;
          preset: string;
          evalShots: string;
          evalQueries: string;
          evalEpisodes: string;
          seed: string;
          json?: boolean;
        },
      ) => {
        const real = parseRealSets(opts.real);
        const weight = parseCohortWeight('--weight', opts.weight);
        const training = trainConfigFromFlags(opts);
        await initBackend();
        mkdirSync(opts.out, { recursive: true });
        const result = await leaveOneDatasetOut({
          synthetic: opts.synthetic,
          real,
          out: opts.out,
          spec: DEFAULT_PREPROCESS,
          preset: opts.preset,
          training,
          weight,
          shots: parseNumberOption('--eval-shots', opts.evalShots, { integer: true, min: 1 }),
          queries: parseNumberOption('--eval-queries', opts.evalQueries, { integer: true, min: 1 }),
          episodes: parseNumberOption('--eval-episodes', opts.evalEpisodes, { integer: true, min: 1 }),
          seed: parseNumberOption('--seed', opts.seed, { integer: true, min: 0 }),
          onStage: (line) => process.stderr.write(`${line}\n`),
        });
        writeFileAtomic(join(opts.out, 'lodo.json'), `${JSON.stringify(result, null, 1)}\n`);
        emit(result, opts, formatLodo);
      },
    );
}
