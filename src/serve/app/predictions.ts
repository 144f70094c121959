import { createHash } from 'node:crypto';
import { FewbeatError } from '../../errors.js';
import type { Prediction } from '../api/schemas.js';
import { HttpError, badRequest, conflict, notFound } from '../http/http-error.js';
import type { ServicePrediction } from '../model/model-ops.js';
import { givenClinicalFields } from '../model/model-ops.js';
import type { Actor } from '../store/audit-log.js';
import { newId, nowIso } from '../store/ids.js';
import type { PredictionRow, ReviewRow } from '../store/predictions.js';
import { addExample, changeBank, type Bank } from './banks.js';
import { caseOf, clinicalOf, recordRefOf } from './cases.js';
import type { ServeContext } from './context.js';

/** JSON with its keys sorted at every level: the same context always hashes the same. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** What a prediction stores besides the model's answer. */
interface StoredResult extends ServicePrediction {
  clinicalFields: string[];
}

export function predictionToApi(
  row: PredictionRow,
  review: ReviewRow | undefined,
  r: StoredResult = JSON.parse(row.result) as StoredResult,
): Prediction {
  return {
    id: row.id,
    caseId: row.case_id,
    bank: { id: row.bank_id, name: row.bank_name, version: row.bank_version },
    modelVersion: row.model_version,
    inputSha256: row.input_sha256,
    predicted: r.predicted,
    nearestClass: r.nearestClass,
    abstained: r.abstained,
    probabilities: r.probabilities,
    distances: r.distances,
    nearestExamples: r.nearestExamples,
    clinicalUsed: { used: r.contextUsed, fields: r.clinicalFields, note: r.contextNote },
    quality: r.quality,
    explanation: r.explanation,
    user: { id: row.user_id, username: row.username },
    createdAt: row.created_at,
    review: review
      ? {
          id: review.id,
          verdict: review.verdict,
          finalClass: review.final_class,
          note: review.note,
          user: { id: review.user_id, username: review.username },
          createdAt: review.created_at,
        }
      : null,
  };
}

/**
 * Classify a case against a bank version (the current one unless given) and store the prediction
 * with the hash of its inputs (stored ECG + clinical context), the model version, the bank version,
 * the user and the time.
 */
export async function predict(
  ctx: ServeContext,
  caseId: string,
  body: { bankId: string; bankVersion?: number | undefined; nearest: number; explain: boolean },
  user: { id: string; username: string },
): Promise<Prediction> {
  const row = await caseOf(ctx, caseId);
  const bank = await ctx.banks.get(body.bankId);
  if (!bank) throw badRequest(`bank ${body.bankId} not found`);
  if (bank.model_version !== ctx.model.info.version)
    throw conflict(`bank ${bank.id} was enrolled with another model version: create a new bank for this model`);
  const version = body.bankVersion ?? bank.current_version;
  const v = await ctx.banks.version(bank.id, version);
  if (!v) throw badRequest(`bank ${bank.id} has no version ${version}`);
  const clinical = clinicalOf(row);
  const clinicalFields = givenClinicalFields(clinical);
  let result: ServicePrediction;
  try {
    result = await ctx.model.predict({
      record: recordRefOf(ctx, row),
      clinical,
      contextGiven: clinicalFields.length > 0,
      bankKey: `${bank.id}@${version}`,
      bankJson: v.bank_json,
      nearest: body.nearest,
      explain: body.explain,
    });
  } catch (e) {
    if (e instanceof FewbeatError) throw new HttpError(422, 'cannot_predict', e.message);
    throw e;
  }
  const stored: StoredResult = { ...result, clinicalFields };
  const prediction = {
    id: newId('pred'),
    case_id: row.id,
    bank_id: bank.id,
    bank_version: version,
    model_version: ctx.model.info.version,
    input_sha256: createHash('sha256')
      .update(`${row.record_sha256}\n${canonicalJson(clinical)}`)
      .digest('hex'),
    predicted: result.predicted,
    abstained: result.abstained ? 1 : 0,
    result: JSON.stringify(stored),
    user_id: user.id,
    created_at: nowIso(),
  };
  await ctx.predictions.insert(prediction);
  // Answered from what was stored (a new prediction has no review yet), without reading it back.
  return predictionToApi({ ...prediction, username: user.username, bank_name: bank.name }, undefined, stored);
}

export async function getPrediction(ctx: ServeContext, id: string): Promise<Prediction> {
  const row = await ctx.predictions.get(id);
  if (!row) throw notFound(`prediction ${id}`);
  const reviews = await ctx.predictions.latestReviews([id]);
  return predictionToApi(row, reviews.get(id));
}

/** A case's predictions with their reviews, newest first: all of them, or one page (`limit`, `offset`). */
export async function casePredictions(
  ctx: ServeContext,
  caseId: string,
  page?: { limit: number; offset: number },
): Promise<Prediction[]> {
  await caseOf(ctx, caseId);
  const rows = await ctx.predictions.byCase(caseId, page);
  const reviews = await ctx.predictions.latestReviews(rows.map((r) => r.id));
  return rows.map((r) => predictionToApi(r, reviews.get(r.id)));
}

/**
 * Overread a prediction: confirm it or correct it to another class, with a note. With `addToBank`,
 * the case joins that bank under the final class in the same call (a new bank version).
 */
export async function review(
  ctx: ServeContext,
  predictionId: string,
  body: {
    verdict: 'confirmed' | 'corrected';
    correctedClass?: string | undefined;
    note: string;
    addToBank?: { bankId: string } | undefined;
  },
  user: Actor,
): Promise<{ prediction: Prediction; bank: Bank | null }> {
  const row = await ctx.predictions.get(predictionId);
  if (!row) throw notFound(`prediction ${predictionId}`);
  const result = JSON.parse(row.result) as StoredResult;
  const finalClass = body.verdict === 'corrected' ? (body.correctedClass as string) : result.predicted;
  if (body.verdict === 'confirmed' && result.abstained && body.addToBank)
    throw badRequest('the prediction abstained ("unknown"): correct it to a class to add the case to a bank');
  // The bank change first: when it is refused (case already in the bank, ...), no review is half-stored.
  let bank: Bank | null = null;
  if (body.addToBank) {
    bank = await changeBank(ctx, body.addToBank.bankId, user, {
      describe: `added case ${row.case_id} as ${finalClass} (reviewed prediction ${row.id})`,
      apply: (examples) => addExample(examples, { caseId: row.case_id, class: finalClass }),
    });
  }
  await ctx.predictions.insertReview({
    id: newId('rev'),
    prediction_id: row.id,
    case_id: row.case_id,
    verdict: body.verdict,
    final_class: finalClass,
    note: body.note,
    user_id: user.id,
    created_at: nowIso(),
  });
  return { prediction: await getPrediction(ctx, predictionId), bank };
}
