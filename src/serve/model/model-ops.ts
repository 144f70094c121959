import type { ClinicalInput } from '../../clinical/encode.js';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { parseClinicalJson } from '../../clinical/parse-clinical-json.js';
import type { BatchSource } from '../../data/batch.js';
import { measureRecording } from '../../data/measurements.js';
import { preprocessEcg } from '../../data/preprocess.js';
import type { PoolVectors } from '../../fewshot/classify-episode.js';
import type { FewShotHead } from '../../fewshot/few-shot-head.js';
import { classifyWithBank, describeContextDecision, type PrototypeBank } from '../../fewshot/prototype-bank.js';
import type { Ecg } from '../../io/ecg.js';
import { assessQuality } from '../../signal/assess-quality.js';
import { enrollInputs } from '../../model-dir/enroll-inputs.js';
import type { TrainedModelDir } from '../../model-dir/model-dir.js';
import { modelVectors } from '../../model-dir/model-vectors.js';
import type { OnnxVectors } from './onnx-vectors.js';

/**
 * The model operations of the service, on a loaded model directory. They run inside the model
 * worker threads (model-worker.ts) and follow the CLI's `predict` and `enroll` step by step, so that
 * the service and the CLI give the same answers for the same record, context and bank.
 */

/** The clinical context of a case (`{ age_years, sex, <schema fields> }`) as model input, checked field by field. */
export function clinicalInputOf(json: Record<string, unknown>, schema: ClinicalSchema): ClinicalInput {
  return parseClinicalJson(json, schema, 'clinical');
}

/** Clinical field names given (not null) in a case's context, for "which fields the decision used". */
export function givenClinicalFields(json: Record<string, unknown>): string[] {
  return Object.entries(json)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k]) => k)
    .sort();
}

/**
 * One recording as the model sees it (as `fewbeat predict` builds it): preprocessed ECG, the
 * child's context and the age/sex-normalised measurements with the atrial activity.
 */
export function modelInput(trained: TrainedModelDir, ecg: Ecg, context: ClinicalInput): BatchSource {
  return {
    ...preprocessEcg(ecg, trained.spec, ecg.source),
    ...context,
    measurements: measureRecording(ecg, context),
  };
}

/** A bank example to enroll: the case it comes from, its class, and its model input. */
export interface EnrollCase {
  caseId: string;
  class: string;
  input: BatchSource;
}

/**
 * Enroll a prototype bank from the cases, as `fewbeat enroll` does (`enrollInputs`: the model's few-shot head
 * with its temperature and abstention threshold at the bank's size, its context gate). Each example's `record`
 * and `patientId` are the case id: the bank carries no patient identifier.
 */
export function buildBank(trained: TrainedModelDir, items: readonly EnrollCase[]): PrototypeBank {
  return enrollInputs(
    trained,
    items.map((item) => ({ class: item.class, record: item.caseId, patientId: item.caseId, input: item.input })),
  );
}

/** The occlusion explanation of one prediction (see `occlusion`). */
export interface Occlusion {
  method: 'occlusion';
  target: string;
  baseProbability: number;
  leads: Array<{ lead: string; drop: number }>;
  segments: Array<{ startS: number; endS: number; drop: number }>;
}

export interface ServicePrediction {
  predicted: string;
  nearestClass: string;
  abstained: boolean;
  probabilities: Record<string, number>;
  distances: Record<string, number>;
  nearestExamples: Array<{ caseId: string; class: string; distance: number }>;
  contextUsed: boolean;
  contextNote: string;
  quality: { score: number; usable: boolean; summary: string };
  explanation: Occlusion | null;
}

/** What a prediction needs of a case, whatever the bank: see {@link caseVectors}. */
export interface CaseVectors {
  /** The recording's vector in the prototype space and, with a context gate, its encoded clinical vector. */
  vectors: PoolVectors;
  quality: { score: number; usable: boolean; summary: string };
  /** The occluded variants' vectors (see {@link occlusion}), when an explanation was asked for. */
  occlusion: OcclusionVectors | null;
}

/** The vectors of a recording's occluded variants: one per recorded lead, then one per ~1-s segment. */
export interface OcclusionVectors {
  /** The occluded leads' names. */
  leads: string[];
  segments: Array<{ startS: number; endS: number }>;
  /** Row 0 is the recording itself, then the leads, then the segments. */
  vectors: PoolVectors;
}

/**
 * Everything of a case that a prediction uses and that does not depend on the bank: its vectors,
 * its signal quality and, when `explain`, the vectors of its occluded variants (all in one batch).
 * The model is deterministic at inference, so these are a function of the stored ECG, the clinical
 * context and the model: the service keeps them, and a case predicted again (against another bank
 * version, by another clinician) only runs the bank's head (see {@link classifyCase}).
 *
 * The recording's own vector comes from the model as `fewbeat predict` runs it (TensorFlow.js), so
 * that the service and the CLI decide alike. The occlusion batch (the recording, then its occluded
 * variants) runs on `onnx` when given (ONNX Runtime, about twice as fast); its drops are taken
 * against its own first row, so the explanation is consistent within itself.
 */
export async function caseVectors(
  trained: TrainedModelDir,
  ecg: Ecg,
  input: BatchSource,
  explain: boolean,
  onnx: OnnxVectors | null = null,
): Promise<CaseVectors> {
  const q = assessQuality(ecg);
  const quality = { score: q.score, usable: q.usable, summary: q.summary };
  const vectors = modelVectors(trained, [input]);
  if (!explain) return { vectors, quality, occlusion: null };
  const occluded = occlusionVariants(trained, input);
  const variants = onnx ? await onnx.vectors(occluded.variants) : modelVectors(trained, occluded.variants);
  return { vectors, quality, occlusion: { leads: occluded.leads, segments: occluded.segments, vectors: variants } };
}

/**
 * Classify one case against a bank (its fitted head, {@link bankHead}), as `fewbeat predict` does (the
 * clinical context when given and the bank's gate is open), and explain it by occlusion when the
 * case's vectors carry the occluded variants.
 */
export function classifyCase(
  bank: PrototypeBank,
  head: FewShotHead,
  cv: CaseVectors,
  opts: { contextGiven: boolean; nearest: number },
): ServicePrediction {
  const clinical = opts.contextGiven ? (cv.vectors.clinical?.[0] ?? null) : null;
  const p = classifyWithBank(bank, cv.vectors.vectors[0] as Float32Array, opts.nearest, clinical, head);
  return {
    predicted: p.predicted,
    nearestClass: p.nearestClass,
    abstained: p.abstained,
    probabilities: p.probabilities,
    distances: p.distances,
    nearestExamples: p.nearestExamples.map((e) => ({ caseId: e.record, class: e.class, distance: e.distance })),
    contextUsed: p.contextUsed,
    contextNote:
      head.contextDecision?.used && !p.contextUsed
        ? 'the bank would use the clinical context, but none was given: classified on the ECG alone'
        : describeContextDecision(bank.head.contextGate, head.contextDecision),
    quality: cv.quality,
    explanation: cv.occlusion ? occlusion(bank, head, cv.occlusion, p.nearestClass, opts.contextGiven) : null,
  };
}

/**
 * The occluded variants of a model input (see {@link occlusion}): the input itself, then each recorded
 * lead replaced by zero, then each ~1-s segment of all leads replaced by zero.
 */
export function occlusionVariants(
  trained: TrainedModelDir,
  input: BatchSource,
): { variants: BatchSource[]; leads: string[]; segments: Array<{ startS: number; endS: number }> } {
  const { leads, fs, samples: T } = trained.spec;
  const L = leads.length;
  const variants: BatchSource[] = [input];
  const leadIdx: number[] = [];
  for (let l = 0; l < L; l++) {
    if (input.mask[l] !== 1) continue;
    const signal = Float32Array.from(input.signal);
    for (let t = 0; t < T; t++) signal[t * L + l] = 0;
    variants.push({ ...input, signal });
    leadIdx.push(l);
  }
  const segmentLength = Math.max(1, Math.round(fs));
  const segments: Array<{ startS: number; endS: number }> = [];
  for (let start = 0; start < T; start += segmentLength) {
    const end = Math.min(T, start + segmentLength);
    const signal = Float32Array.from(input.signal);
    signal.fill(0, start * L, end * L);
    variants.push({ ...input, signal });
    segments.push({ startS: start / fs, endS: end / fs });
  }
  return { variants, leads: leadIdx.map((l) => leads[l] as string), segments };
}

/**
 * Which leads and which seconds drove the decision, by occlusion (Zeiler & Fergus, "Visualizing and
 * understanding convolutional networks", ECCV 2014): each lead in turn, then each ~1-s segment of all
 * leads, is replaced by its baseline — zero, the isoelectric level of the band-passed, standardised
 * model input — and the drop of the target class's probability (the predicted class, or the nearest
 * one when the model abstains) is reported: p(target | x) − p(target | x with the part occluded).
 *
 * Why occlusion rather than integrated gradients: it needs only forward passes of the deployed model
 * (no gradient path through the inference graph, no choice of integration steps), its numbers are
 * probabilities the clinician can read ("without V1 the JET probability falls by 0.4"), and its cost
 * is fixed: L + ⌈T / fs⌉ extra rows in the case's one forward batch ({@link caseVectors}), then the
 * bank's head on each. The measurements of the prototype space stay as measured on the recording
 * (they are not part of the network's ECG input).
 */
export function occlusion(
  bank: PrototypeBank,
  head: FewShotHead,
  occluded: OcclusionVectors,
  target: string,
  contextGiven: boolean,
): Occlusion {
  const { vectors } = occluded;
  const probabilityOf = (i: number): number => {
    const clinical = contextGiven ? (vectors.clinical?.[i] ?? null) : null;
    const p = classifyWithBank(bank, vectors.vectors[i] as Float32Array, 0, clinical, head);
    return p.probabilities[target] ?? 0;
  };
  const base = probabilityOf(0);
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  const nLeads = occluded.leads.length;
  return {
    method: 'occlusion',
    target,
    baseProbability: round(base),
    leads: occluded.leads.map((lead, k) => ({ lead, drop: round(base - probabilityOf(1 + k)) })),
    segments: occluded.segments.map((s, k) => ({ ...s, drop: round(base - probabilityOf(1 + nLeads + k)) })),
  };
}
