import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { measureRecording } from '../../data/measurements.js';
import {
  AF_VS_SINUS_CLASSES,
  type EpisodeResult,
  afVsSinusWindows,
  nearestPrototypeResult,
  rhythmWindows,
  singleLeadWindow,
} from '../../eval/run/af-vs-sinus.js';
import { episodeResultHeader, episodeResultRow } from '../../eval/run/episode-result-row.js';
import { handcraftedVectors } from '../../eval/run/handcrafted-features.js';
import { patientDisjointEpisodes } from '../../eval/run/patient-disjoint-episodes.js';
import { rrIrregularity, standardisedVectors } from '../../eval/run/rr-anchor.js';
import { windowExamples, modelResult } from '../../eval/run/af-vs-sinus-model.js';
import { initBackend } from '../../runtime/backend.js';
import { readModelDir, type TrainedModelDir } from '../../model-dir/model-dir.js';
import { readCohort } from '../../io/manifest/read-cohort.js';
import { emit, parseNumberOption } from '../output.js';

/** What `fewbeat eval-real --json` prints. */
export interface EvalRealResult {
  task: string;
  lead: string;
  shots: number;
  queries: number;
  episodes: number;
  seed: number;
  /** Windows and patients per class in the pool. */
  pool: Record<string, { windows: number; patients: number }>;
  methods: EpisodeResult[];
}

/** The table `eval-real` prints. */
export function formatEvalReal(r: EvalRealResult): string {
  const pool = Object.entries(r.pool)
    .map(([c, p]) => `${c} ${p.windows} windows of ${p.patients} patients`)
    .join(', ');
  const lines = [
    `${r.task}, lead ${r.lead}, ${AF_VS_SINUS_CLASSES.length}-way ` +
      `${r.shots}-shot, ${r.queries} queries per class, ${r.episodes} ` +
      `patient-disjoint episodes (${pool})`,
    episodeResultHeader('method', 22),
    ...r.methods.map((m) => episodeResultRow(m, 22)),
  ];
  return lines.join('\n');
}

/**
 * Single-lead atrial fibrillation against sinus rhythm on real recordings: the AF and sinus-rhythm windows of
 * annotated MIT-BIH-style records (`afVsSinusWindows`, from `mitdb`) or the `afib` and `nsr` rows of an imported
 * cohort (`manifest`, e.g. `fewbeat import ludb`), one lead, few-shot episodes whose support and query windows come
 * from different patients, nearest prototypes in the space of each method.
 */
export function evaluateAfVsSinus(opts: {
  /** Exactly one of `mitdb` and `manifest`. */
  mitdb?: string | undefined;
  manifest?: string | undefined;
  /** The full model, evaluated on the same episodes when given. */
  trained?: TrainedModelDir | undefined;
  lead: string;
  shots: number;
  queries: number;
  episodes: number;
  seed: number;
  maxPerPatient: number;
}): EvalRealResult {
  const cohort = opts.manifest === undefined ? null : readCohort(opts.manifest);
  const dir = cohort?.dir ?? (opts.mitdb as string);
  const windows = cohort
    ? rhythmWindows(cohort.rows, { maxPerPatient: opts.maxPerPatient })
    : afVsSinusWindows(dir, { maxPerPatient: opts.maxPerPatient });
  const ecgs = windows.map((w) => singleLeadWindow(w, opts.lead));
  const episodes = patientDisjointEpisodes(windows, AF_VS_SINUS_CLASSES.length, {
    ...opts,
    classNames: AF_VS_SINUS_CLASSES,
  });
  const examples = opts.trained ? windowExamples(dir, windows, opts.lead, opts.trained) : null;
  const rr = ecgs.map(rrIrregularity);
  const handcrafted = handcraftedVectors(
    ecgs.map((ecg, i) => examples?.[i]?.measurements ?? measureRecording(ecg, windows[i]!)),
  );
  const anchor = standardisedVectors(rr);
  const pool: EvalRealResult['pool'] = {};
  AF_VS_SINUS_CLASSES.forEach((c, k) => {
    const mine = windows.filter((w) => w.label === k);
    pool[c] = { windows: mine.length, patients: new Set(mine.map((w) => w.patientId)).size };
  });
  return {
    task: 'af-vs-sinus',
    lead: opts.lead,
    shots: opts.shots,
    queries: opts.queries,
    episodes: opts.episodes,
    seed: opts.seed,
    pool,
    methods: [
      ...(opts.trained && examples ? [modelResult(opts.trained, examples, episodes, opts.shots, opts.queries)] : []),
      nearestPrototypeResult('handcrafted-features', handcrafted, episodes, AF_VS_SINUS_CLASSES.length),
      nearestPrototypeResult('rr-anchor', anchor, episodes, AF_VS_SINUS_CLASSES.length),
    ],
  };
}

export function register(program: Command): void {
  program
    .command('eval-real')
    .description(
      'few-shot evaluation on real annotated recordings: single-lead AF vs ' +
        'sinus rhythm, patient-disjoint episodes, handcrafted baseline and ' +
        'RR-irregularity anchor',
    )
    .option('--mitdb <dir>', 'folder of MIT-BIH-style records with rhythm annotations (.atr)')
    .option('--manifest <dir>', 'or an imported cohort with afib and nsr rows (e.g. fewbeat import ludb)')
    .option('--task <name>', 'task: af-vs-sinus', 'af-vs-sinus')
    .option('--lead <name>', 'the one lead to use (records without it use their first signal)', 'II')
    .option('--shots <k>', 'support windows per class', '5')
    .option('--queries <n>', 'query windows per class', '10')
    .option('--episodes <n>', 'episodes', '600')
    .option('--seed <n>', 'seed of the episodes', '7')
    .option('--max-per-patient <n>', 'windows per patient and class kept in the pool, evenly spaced', '40')
    .option('--model <dir>', 'also evaluate this trained model (fewbeat train or demo) on the same episodes')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        mitdb?: string;
        manifest?: string;
        task: string;
        lead: string;
        shots: string;
        queries: string;
        episodes: string;
        seed: string;
        maxPerPatient: string;
        model?: string;
        json?: boolean;
      }) => {
        if ((opts.mitdb === undefined) === (opts.manifest === undefined))
          throw new UsageError('give exactly one of --mitdb <dir> and --manifest <dir>');
        if (opts.task !== 'af-vs-sinus')
          throw new UsageError(`option --task: expected af-vs-sinus, got '${opts.task}'`);
        let trained: TrainedModelDir | undefined;
        if (opts.model !== undefined) {
          await initBackend();
          trained = readModelDir(opts.model);
        }
        let result: EvalRealResult;
        try {
          result = evaluateAfVsSinus({
            mitdb: opts.mitdb,
            manifest: opts.manifest,
            trained,
            lead: opts.lead,
            shots: parseNumberOption('--shots', opts.shots, { integer: true, min: 1 }),
            queries: parseNumberOption('--queries', opts.queries, { integer: true, min: 1 }),
            episodes: parseNumberOption('--episodes', opts.episodes, { integer: true, min: 1 }),
            seed: parseNumberOption('--seed', opts.seed, { integer: true, min: 0 }),
            maxPerPatient: parseNumberOption('--max-per-patient', opts.maxPerPatient, { integer: true, min: 1 }),
          });
        } finally {
          trained?.model.dispose();
        }
        emit(result, opts, formatEvalReal);
      },
    );
}
