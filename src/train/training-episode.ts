import { AGE_BAND_IDS } from '../clinical/age-bands.js';
import type { ClinicalEncoder } from '../clinical/encode.js';
import { makeBatch, withClinicalInput } from '../data/batch.js';
import type { Example } from '../data/dataset.js';
import type { Episode } from '../data/episode-sampler.js';
import { restrictToRandomLeads } from '../data/augment.js';
import { Rng } from '../util/rng.js';
import type { TrainingEpisode } from './episodic-task.js';
import type { TrainConfig } from '../model-dir/train-config.js';

/**
 * Turn a sampled episode over `pool` into the typed arrays of one training step:
 * - `clean`: support, then query, then (with `extraPositives`) one other recording of each episode
 *   patient that has one in the pool (at most half as many as the episode has) — extra positives
 *   for the patient-level contrastive loss;
 * - `viewA`, `viewB`: two perturbations of the queries (ECG augmentation + metadata dropout at ρ),
 *   when λ2 > 0.
 * With `leadSubsets` > 0 each recording of the clean batch and of each view is, with that probability,
 * seen through a random subset of its leads (`restrictToRandomLeads`).
 * Randomness comes from (seed, episode index) only, so a resumed run replays the same steps.
 *
 * @param classIndex global class index of every class id (contrastive labels y(i)).
 */
export function buildTrainingEpisode(
  episode: Episode,
  pool: readonly Example[],
  encoder: ClinicalEncoder,
  config: TrainConfig,
  classIndex: ReadonlyMap<string, number>,
  seed: number,
): TrainingEpisode {
  const rng = new Rng((seed ^ Math.imul(episode.index + 1, 0x85ebca6b)) >>> 0);
  const rows = [...episode.support, ...episode.query].map((i) => pool[i] as Example);
  const asInput = (xs: readonly Example[]): Example[] => withClinicalInput(xs, config.clinicalInput);
  if (config.extraPositives) {
    const used = new Set(rows.map((e) => e.index));
    const episodePatients = new Set(rows.map((e) => e.patientId));
    const others = new Map<string, Example[]>();
    for (const e of pool) {
      if (!episodePatients.has(e.patientId) || used.has(e.index)) continue;
      const list = others.get(e.patientId) ?? [];
      list.push(e);
      others.set(e.patientId, list);
    }
    const cap = Math.ceil(rows.length / 2);
    for (const patient of rng.shuffle([...others.keys()].sort()).slice(0, cap))
      rows.push(rng.pick(others.get(patient) as Example[]));
  }
  const patientIndex = new Map<string, number>();
  for (const e of rows) if (!patientIndex.has(e.patientId)) patientIndex.set(e.patientId, patientIndex.size);
  const queries = episode.query.map((i) => pool[i] as Example);
  const throughLeadSubsets = (xs: readonly Example[]): Example[] =>
    xs.map((e) =>
      config.leadSubsets > 0 && rng.bernoulli(config.leadSubsets)
        ? { ...e, ...restrictToRandomLeads(e.signal, e.mask, config.polarityFlip, rng) }
        : e,
    );
  const view = (): TrainingEpisode['viewA'] =>
    config.lambda2 > 0
      ? makeBatch(asInput(throughLeadSubsets(queries)), encoder, {
          augment: config.augment,
          metadataDropout: config.metadataDropout,
          rng,
        })
      : null;
  return {
    ways: episode.classes.length,
    clean: makeBatch(asInput(throughLeadSubsets(rows)), encoder),
    nSupport: episode.support.length,
    nQuery: episode.query.length,
    supportLabels: episode.supportLabels,
    queryLabels: episode.queryLabels,
    patientIds: rows.map((e) => patientIndex.get(e.patientId) as number),
    labels: rows.map((e) => classIndex.get(e.label) ?? -1),
    ageBands: rows.map((e) => AGE_BAND_IDS.indexOf(e.ageBand)),
    viewA: view(),
    viewB: view(),
  };
}
