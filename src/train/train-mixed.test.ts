import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cohortOfPatient, mixCohorts } from '../data/cohort-mix.js';
import type { PreparedCohort } from '../data/prepare-cohort.js';
import { prepareMixedCohort } from '../data/prepare-mixed-cohort.js';
import { readCohort } from '../io/manifest/index.js';
import type { Cohort } from '../io/manifest/cohort.js';
import { readModelDir } from '../model-dir/model-dir.js';
import { initBackend } from '../runtime/backend.js';
import { FIXTURE_REAL } from '../test-utils/real-data.js';
import { runCli } from '../test-utils/run-cli.js';
import { TINY_MODEL, TINY_SPEC, TINY_TRAINING, tinyCohort } from '../test-utils/tiny-run.js';
import { trainModel } from './train-model.js';

describe('training on the tiny synthetic cohort mixed with imported real recordings', () => {
  let root: string;
  let synthetic: Cohort;
  let challenge: Cohort;
  let mitdb: Cohort;
  let prepared: PreparedCohort;

  beforeAll(async () => {
    await initBackend('wasm');
    let cohortDir: string;
    ({ root, cohortDir } = tinyCohort());
    for (const [format, src] of [
      ['challenge', 'challenge2020'],
      ['mitdb', 'mitdb'],
    ] as const)
      expect((await runCli(['import', format, join(FIXTURE_REAL, src), '--out', join(root, format)])).code).toBe(0);
    synthetic = readCohort(cohortDir);
    challenge = readCohort(join(root, 'challenge'));
    mitdb = readCohort(join(root, 'mitdb'));
    prepared = prepareMixedCohort(
      [
        { cohort: synthetic, weight: 1 },
        { cohort: challenge, weight: 2 },
        { cohort: mitdb, weight: 0.5 },
      ],
      TINY_SPEC,
      { novel: ['jet', 'vt'], seed: 3 },
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('namespaces every patient by its cohort, so the splits stay patient-disjoint across cohorts', () => {
    const splitsOf = new Map<string, Set<string>>();
    for (const [split, examples] of Object.entries(prepared.parts))
      for (const e of examples) splitsOf.set(e.patientId, (splitsOf.get(e.patientId) ?? new Set()).add(split));
    expect([...splitsOf.values()].every((s) => s.size === 1)).toBe(true);
    const cohorts = new Set(prepared.dataset.examples.map((e) => cohortOfPatient(e.patientId)));
    expect([...cohorts].sort()).toEqual(['challenge', 'cohort', 'mitdb']);
    expect(new Set(prepared.parts.train.map((e) => cohortOfPatient(e.patientId))).size).toBeGreaterThan(1);
  });

  it('resolves the class split over the union and keeps only fewbeat classes of the real sets', () => {
    expect(prepared.classes.novel).toEqual(['jet', 'vt']);
    expect(prepared.classes.base).toEqual(expect.arrayContaining(['nsr', 'svt', 'pvc', 'pac', 'afib']));
    expect(prepared.classes.base.every((c) => !c.includes(':'))).toBe(true);
  });

  it('gives real rows the synthetic clinical schema, their own fields missing', () => {
    const real = prepared.dataset.examples.find((e) => cohortOfPatient(e.patientId) === 'mitdb');
    expect(Object.keys(real?.clinical ?? {}).sort()).toEqual(synthetic.schema.fields.map((f) => f.name).sort());
    expect(prepared.encoder.size).toBeGreaterThan(0);
  });

  it('resamples 2-lead 360 Hz and 12-lead 500 Hz recordings to the model input, absent leads masked', () => {
    for (const e of prepared.dataset.examples) expect(e.signal.length).toBe(TINY_SPEC.samples * TINY_SPEC.leads.length);
    const mit = prepared.dataset.examples.find((e) => cohortOfPatient(e.patientId) === 'mitdb');
    // MIT-BIH's MLII and V1 give II and V1 (and no I or V5)
    expect([...(mit?.mask ?? [])]).toEqual([0, 1, 1, 0]);
    const twelve = prepared.dataset.examples.find((e) => cohortOfPatient(e.patientId) === 'challenge');
    expect([...(twelve?.mask ?? [])]).toEqual([1, 1, 1, 1]);
  });

  it('refuses weights outside (0, 10] and a cohort without a usable row, naming it', () => {
    for (const weight of [0, -1, 10.5, Number.NaN])
      expect(() =>
        mixCohorts([
          { cohort: synthetic, weight: 1 },
          { cohort: challenge, weight, origin: 'ch' },
        ]),
      ).toThrow(/^ch: weight .* is not in \(0, 10\]$/);
    expect(() =>
      prepareMixedCohort(
        [
          { cohort: synthetic, weight: 1 },
          { cohort: mitdb, weight: 1, origin: '--add-manifest m' },
        ],
        TINY_SPEC,
        { base: ['svt', 'chb'], novel: ['jet'], seed: 3 },
      ),
    ).toThrow(/^--add-manifest m: no row has a base or novel class/);
  });

  it('trains without leaking tensors, recording cohorts and weights in config, metrics and model card', async () => {
    const out = join(root, 'model');
    const before = tf.memory().numTensors;
    const result = await trainModel({
      prepared,
      outDir: out,
      preset: 'default',
      seed: 5,
      training: TINY_TRAINING,
      modelOverrides: TINY_MODEL,
    });
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const weights = [
      { name: 'cohort', weight: 1 },
      { name: 'challenge', weight: 2 },
      { name: 'mitdb', weight: 0.5 },
    ];
    const loaded = readModelDir(out);
    loaded.model.dispose();
    expect(loaded.extra.cohorts?.map(({ name, weight }) => ({ name, weight }))).toEqual(weights);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
      cohorts: typeof weights;
      validation_by_lead_set: unknown[];
    };
    expect(metrics.cohorts.map(({ name, weight }) => ({ name, weight }))).toEqual(weights);
    // a 2-lead MIT-BIH record counts on single lead I as a recording without any lead
    expect(metrics.validation_by_lead_set).toHaveLength(5);
    expect(readFileSync(join(out, 'MODEL_CARD.md'), 'utf8')).toMatch(/Mixed with: .*\(challenge, weight 2\)/);
  });
});
