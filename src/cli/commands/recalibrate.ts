import { join } from 'node:path';
import type { Command } from 'commander';
import { describeSpace, type PrototypeSpace } from '../../fewshot/prototype-space.js';
import { classifierOf } from '../../model-dir/train-config.js';
import { readCohort } from '../../io/manifest/index.js';
import { saveModel } from '../../models/checkpoint.js';
import { initBackend } from '../../runtime/backend.js';
import { calibrateOnValidation, calibrationEpisodes, contextGateChoice } from '../../train/calibrate.js';
import type { ContextGate } from '../../fewshot/context-gate.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { Validator } from '../../train/model-selection.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { emit, parseNumberOption } from '../output.js';
import { loadPrepared } from './train.js';

/** What `recalibrate` reports (and writes to DIR/calibration.json). */
interface RecalibrationResult {
  model: string;
  previous: PrototypeSpace;
  chosen: PrototypeSpace;
  abstention: { quantile: number; thresholds: Record<string, number> } | null;
  /** Validation episodes the spaces were compared on. */
  episodes: number;
  validation: Array<{ space: string; alpha: number | null; features: string[] | null; accuracy: number }>;
  /** Temperature of the classifier's probabilities by support size, fitted on the validation queries. */
  probabilityTemperatures: Record<string, number>;
  /** The clinical-context gate (null: off) and how often it opened on the validation episodes per support size. */
  contextGate: ContextGate | null;
  contextUse: Record<string, { used: number; episodes: number }>;
}

/** A space without its long vectors (centre, mean, sd), for reports. */
function summary(space: PrototypeSpace): { space: string; alpha: number | null; features: string[] | null } {
  return {
    space: space.kind,
    alpha: space.kind === 'fused' ? null : space.alpha,
    features: space.kind === 'ecg+measurements' ? [...space.features] : null,
  };
}

export function register(program: Command): void {
  program
    .command('recalibrate')
    .description(
      "re-choose a trained model's prototype space (α and the measurements' standardisation), " +
        'abstention thresholds, probability temperatures and clinical-context gate on validation episodes, ' +
        'as training does at its end; rewrites DIR/config.json',
    )
    .requiredOption(
      '--model <dir>',
      'model directory written by fewbeat train (updated in place: copy it first to keep the old calibration)',
    )
    .requiredOption(
      '--manifest <dir>',
      'the cohort folder the model was trained on (its validation children are used; never novel classes)',
    )
    .option(
      '--validation-episodes <n>',
      "validation episodes to compare spaces on (default: the model's " +
        "calibration setting, so training's choice is reproduced)",
    )
    .option('--json', 'print the result as JSON')
    .action(async (opts: { model: string; manifest: string; validationEpisodes?: string; json?: boolean }) => {
      const episodes =
        opts.validationEpisodes === undefined
          ? undefined
          : parseNumberOption('--validation-episodes', opts.validationEpisodes, { integer: true, min: 1 });
      await initBackend();
      const trained = readModelDir(opts.model);
      try {
        const present = new Set(readCohort(opts.manifest).rows.flatMap((r) => r.labels));
        const prepared = loadPrepared(opts.manifest, trained.spec, {
          base: trained.extra.classes.base.filter((c) => present.has(c)),
          novel: trained.extra.classes.novel.filter((c) => present.has(c)),
          seed: trained.model.seed,
          minBase: 0,
        });
        const t = trained.extra.training;
        // Training's calibration episodes: same pool, shape and seed (see trainModel); by default the same count.
        const validator = Validator.ofTraining(
          prepared.parts.val,
          trained.encoder,
          t,
          trained.model.seed,
          episodes ?? calibrationEpisodes(t),
        );
        const gate = contextGateChoice(t);
        const calibration = calibrateOnValidation(validator, trained.model, {
          classifier: classifierOf(t),
          ...(gate ? { contextGate: gate } : {}),
        });
        const previous = trained.space;
        saveModel(opts.model, trained.model, {
          ...trained.extra,
          prototypeSpace: calibration.prototypeSpace,
          abstention: calibration.abstention,
          probabilityTemperatures: calibration.probabilityTemperatures,
          contextGate: calibration.contextGate,
        });
        const result: RecalibrationResult = {
          model: opts.model,
          previous,
          chosen: calibration.prototypeSpace,
          abstention: calibration.abstention,
          episodes: validator.episodes.length,
          validation: calibration.accuracies.map((a) => ({ ...summary(a.space), accuracy: a.accuracy })),
          probabilityTemperatures: calibration.probabilityTemperatures,
          contextGate: calibration.contextGate,
          contextUse: calibration.contextUse,
        };
        writeFileAtomic(
          join(opts.model, 'calibration.json'),
          `${JSON.stringify({ ...result, created_at: new Date().toISOString(), manifest: opts.manifest }, null, 1)}\n`,
        );
        emit(result, opts, (r) =>
          [
            `validation accuracy over ${r.episodes} episodes ` +
              `(${validator.shape.ways}-way ${validator.shape.shots}-shot):`,
            ...r.validation.map(
              (v) =>
                `  ${v.accuracy.toFixed(4)}  ` +
                `${v.space}${v.alpha === null ? '' : ` α=${v.alpha}`}` +
                `${v.features ? ` [${v.features.length} measurements]` : ''}`,
            ),
            `previous: ${describeSpace(previous)}`,
            `chosen:   ${describeSpace(r.chosen)}`,
            `probability temperature (fitted on the validation queries): ${
              Object.entries(r.probabilityTemperatures)
                .map(([k, t]) => `${t.toFixed(3)} at ${k} shot${k === '1' ? '' : 's'}`)
                .join(', ') || 'none'
            }`,
            r.contextGate
              ? `clinical context: joins the classifier when the support set shows it separates the ` +
                `classes (share κ = ${r.contextGate.share}, β = ${r.contextGate.weight.toFixed(3)}, ` +
                `margin ${r.contextGate.margin} nats); opened on ${Object.entries(r.contextUse)
                  .map(([k, u]) => `${u.used}/${u.episodes} validation episodes at ${k} shot${k === '1' ? '' : 's'}`)
                  .join(', ')}`
              : 'clinical context: never joins the classifier (no gate)',
            `written to ${opts.model}/config.json and ${opts.model}/calibration.json`,
          ].join('\n'),
        );
      } finally {
        trained.model.dispose();
      }
    });
}
