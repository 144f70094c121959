import type { PreparedCohort } from '../data/prepare-cohort.js';
import type { ModelDirExtra } from '../model-dir/model-dir.js';
import type { TrainerState } from './trainer.js';

export interface ModelCardInput {
  prepared: PreparedCohort;
  extra: ModelDirExtra;
  state: TrainerState;
  byAgeBand: Record<string, { accuracy: number; support: number }>;
  /** Validation episode accuracy with each recording reduced to a lead set (`VALIDATION_LEAD_SETS`). */
  byLeadSet: ReadonlyArray<{ lead_set: string; accuracy: number }>;
  trainingClasses: string[];
  seconds: number;
  preset: string;
  seed: number;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** MODEL_CARD.md of a trained model (Mitchell et al., "Model Cards for Model Reporting", FAT* 2019). */
export function modelCard(input: ModelCardInput): string {
  const { prepared, extra, state, byAgeBand } = input;
  const count = (xs: readonly { patientId: string }[]): string =>
    `${xs.length} recordings, ${new Set(xs.map((x) => x.patientId)).size} patients`;
  const t = extra.training;
  const lines = [
    '# fewbeat model card',
    '',
    '## Model',
    `- Preset \`${input.preset}\`, seed ${input.seed}; ECG ${extra.preprocessing.leads.length} leads × ` +
      `${extra.preprocessing.samples} samples at ${extra.preprocessing.fs} Hz, ` +
      `band-pass ${extra.preprocessing.bandpassHz.join('–')} Hz.`,
    `- Episodic meta-training: ${state.episode} of ${t.episodes} episodes ` +
      `(${state.stoppedEarly ? 'stopped early' : 'full budget'}), ${t.ways}-way ${t.shots}-shot ${t.queries}-query, ` +
      `Adam lr ${t.learningRate} (${t.schedule}), ${input.seconds.toFixed(0)} s.`,
    `- Loss L = ${t.contrastiveWeight}·L_contrastive(β=${t.beta}, γ=${t.gamma}) + ${t.lambda1}·L_class + ` +
      `${t.lambda2}·L_consistency(η=${t.eta}, ρ=${t.metadataDropout}); few-shot classifier: ${t.fewShotClassifier}` +
      (extra.contextGate
        ? `, with the child's clinical context (share κ = ${extra.contextGate.share}) when the support set shows ` +
          `it separates the classes (leave-one-out NLL lower by ${extra.contextGate.margin} nats)`
        : '') +
      '.',
    '',
    '## Data',
    `- Cohort: \`${extra.cohort}\`.`,
    ...(extra.cohorts
      ? [
          `- Mixed with: ${extra.cohorts
            .slice(1)
            .map((c) => `\`${c.dir}\` (${c.name}, weight ${c.weight})`)
            .join('; ')}; the primary cohort (${extra.cohorts[0]?.name}, ` +
            `weight ${extra.cohorts[0]?.weight}) gives the clinical schema. ` +
            'Episode patients of a class are drawn with probability proportional to their cohort weight.',
        ]
      : []),
    `- Base classes (meta-training): ${extra.classes.base.join(', ')}; ` +
      `trained on episodes over ${input.trainingClasses.join(', ')}.`,
    `- Novel classes (never seen in training): ${extra.classes.novel.join(', ') || 'none'}.`,
    `- Patient-disjoint splits: train ${count(prepared.parts.train)}; validation ${count(prepared.parts.val)}; ` +
      `test ${count(prepared.parts.test)}; novel ${count(prepared.parts.novel)}.`,
    '',
    '## Intended use',
    '- Research on few-shot recognition of pediatric arrhythmias from an ECG plus clinical context: a clinician ' +
      'enrolls a few labelled examples of a rhythm (`fewbeat enroll`) and queries new recordings (`fewbeat predict`).',
    '- Not a medical device. Not validated on real patients; never use it for diagnosis or treatment decisions.',
    '',
    '## Limits',
    '- Trained on the data above only; performance on other devices, lead sets, ages or populations is unknown.',
    '- Predictions are probabilities of the few-shot classifier over the enrolled classes only; "unknown" ' +
      'abstention uses a distance threshold calibrated on validation base-class episodes and does not guarantee ' +
      'detection of unseen rhythms.',
    '- Missing clinical fields are handled by missingness indicators, but a context very different from training ' +
      'shifts the fused embedding.',
    '',
    '## Validation metrics (held-out base-class patients)',
    `- Best validation episode accuracy ${fmt(state.best.accuracy)} at episode ${state.best.episode}.`,
    '',
    '| age band | accuracy | queries |',
    '|---|---|---|',
    ...Object.entries(byAgeBand).map(([band, m]) => `| ${band} | ${fmt(m.accuracy)} | ${m.support} |`),
    '',
    '| lead set | accuracy |',
    '|---|---|',
    ...input.byLeadSet.map((m) => `| ${m.lead_set} | ${fmt(m.accuracy)} |`),
    '',
    'Each recording of the same validation episodes reduced to the lead set, then preprocessed and measured ' +
      'from those leads alone; the other leads are absent (masked), as in a recording that never had them.',
    '',
    'Few-shot metrics on novel classes by age band are in the evaluation report (`fewbeat eval`).',
    '',
  ];
  return lines.join('\n');
}
