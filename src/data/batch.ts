import { ClinicalEncoder, dropClinicalFields, type ClinicalInput } from '../clinical/encode.js';
import { Rng } from '../util/rng.js';
import { augmentEcg, type AugmentOptions } from './augment.js';
import type { MeasurementValues } from './measurements.js';

/** What a batch needs from one example: its preprocessed ECG and its clinical context. */
export interface BatchSource extends ClinicalInput {
  /** [T, L] time-major preprocessed ECG. */
  signal: Float32Array;
  /** [L] lead mask, 1 = recorded. */
  mask: Float32Array;
  /** Age/sex-normalised ECG measurements of the raw recording (`measureRecording`); absent = not measured. */
  measurements?: MeasurementValues;
}

/** Model input for B recordings as flat typed arrays, ready for `tf.tensor`. */
export interface Batch {
  size: number;
  samples: number;
  leads: number;
  features: number;
  /** [B, T, L] */
  ecg: Float32Array;
  /** [B, L] */
  leadMask: Float32Array;
  /** [B, F] */
  clinical: Float32Array;
}

/** A perturbed view for consistency and contrastive training; absent = the clean inputs. */
export interface ViewOptions {
  augment: AugmentOptions;
  /** Metadata-dropout rate ρ. */
  metadataDropout: number;
  rng: Rng;
}

/**
 * The items as the model sees them: with their clinical context, or with all of it missing (`blank`),
 * including the age/sex-normalised measurements (they carry the child's age and sex).
 */
export function withClinicalInput<T extends BatchSource>(items: readonly T[], mode: 'use' | 'blank'): T[] {
  return mode === 'use'
    ? [...items]
    : items.map((e) => ({ ...e, ageYears: null, sex: null, clinical: {}, measurements: undefined }));
}

/** The encoded clinical vectors of `items` as a model with clinical input `mode` sees them (all missing when blank). */
export function encodeClinical(
  items: readonly BatchSource[],
  encoder: ClinicalEncoder,
  mode: 'use' | 'blank',
): Float32Array[] {
  return withClinicalInput(items, mode).map((e) => encoder.encode(e));
}

/** Stack examples into one batch, optionally as a perturbed view (ECG augmentation + metadata dropout). */
export function makeBatch(items: readonly BatchSource[], encoder: ClinicalEncoder, view?: ViewOptions): Batch {
  const first = items[0];
  const leads = first?.mask.length ?? 0;
  const samples = first ? first.signal.length / leads : 0;
  const features = encoder.size;
  const B = items.length;
  const ecg = new Float32Array(B * samples * leads);
  const leadMask = new Float32Array(B * leads);
  const clinical = new Float32Array(B * features);
  items.forEach((item, b) => {
    let { signal, mask } = item;
    let context = encoder.encode(item);
    if (view) {
      ({ signal, mask } = augmentEcg(signal, mask, view.rng, view.augment));
      context = dropClinicalFields(context, encoder.blocks, view.metadataDropout, view.rng);
    }
    ecg.set(signal, b * samples * leads);
    leadMask.set(mask, b * leads);
    clinical.set(context, b * features);
  });
  return { size: B, samples, leads, features, ecg, leadMask, clinical };
}
