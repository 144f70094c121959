import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ClinicalInput } from '../../clinical/encode.js';
import type { ClinicalContext, ClinicalSchema } from '../../clinical/schema.js';
import { preprocessEcg } from '../../data/preprocess.js';
import { FewbeatError, isFewbeatError } from '../../errors.js';
import { modelVectors } from '../../model-dir/model-vectors.js';
import {
  bankHead,
  classifyWithBank,
  describeContextDecision,
  parseBank,
  type BankPrediction,
} from '../../fewshot/prototype-bank.js';
import { loadEcg } from '../../io/load-ecg.js';
import { initBackend } from '../../runtime/backend.js';
import { estimateAtrialActivity } from '../../signal/atrial-activity.js';
import { assessQuality } from '../../signal/assess-quality.js';
import { measureEcg, type Measurement, type MeasurementFlag } from '../../signal/measure-ecg.js';
import { defaultNormTable } from '../../signal/norms/default-norms.js';
import { measurementValues } from '../../data/measurements.js';
import { readModelDir } from '../../model-dir/model-dir.js';
import { emit, parseNumberOption } from '../output.js';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new FewbeatError('cannot read the file', { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file });
  }
}

/**
 * The child's context from a JSON object `{ "age_years": 0.5, "sex": "F", "<field>": value, ... }`
 * (fields as in the model's clinical schema; absent or null = missing), checked field by field.
 */
export function parseClinicalJson(json: unknown, schema: ClinicalSchema, file: string): ClinicalInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new FewbeatError('expected a JSON object of clinical fields', { file });
  const o = json as Record<string, unknown>;
  const age = o.age_years ?? null;
  if (age !== null && (typeof age !== 'number' || !(age >= 0 && age <= 120)))
    throw new FewbeatError(`age_years: expected years in [0, 120], got ${JSON.stringify(age)}`, { file });
  const sex = o.sex ?? null;
  if (sex !== null && sex !== 'M' && sex !== 'F')
    throw new FewbeatError(`sex: expected "M" or "F", got ${JSON.stringify(sex)}`, { file });
  const known = new Set(['age_years', 'sex', ...schema.fields.map((f) => f.name)]);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new FewbeatError(`unknown field ${unknown[0]} (the model knows ${[...known].join(', ')})`, { file });
  const clinical: ClinicalContext = {};
  for (const f of schema.fields) {
    const v = o[f.name] ?? null;
    const bad = (want: string): never => {
      throw new FewbeatError(`${f.name}: expected ${want}, got ${JSON.stringify(v)}`, { file });
    };
    if (v === null) clinical[f.name] = null;
    else if (f.type === 'numeric')
      clinical[f.name] =
        typeof v === 'number' && v >= f.range[0] && v <= f.range[1]
          ? v
          : bad(`a number in [${f.range.join(', ')}] ${f.unit}`);
    else if (f.type === 'boolean') clinical[f.name] = typeof v === 'boolean' ? v : bad('true or false');
    else if (f.type === 'categorical')
      clinical[f.name] =
        typeof v === 'string' && f.categories.includes(v) ? v : bad(`one of ${f.categories.join(', ')}`);
    else
      clinical[f.name] =
        Array.isArray(v) && v.every((x) => typeof x === 'string' && f.labels.includes(x))
          ? (v as string[])
          : bad(`a list of ${f.labels.join(', ')}`);
  }
  return { ageYears: age as number | null, sex: sex as 'M' | 'F' | null, clinical };
}

interface PredictResult extends BankPrediction {
  record: string;
  /** Signal quality of the recording (flat line, clipping, lead off, noise, wander per lead). */
  quality: { score: number; usable: boolean; summary: string; leads: Array<{ lead: string; flags: string[] }> };
  /** Age-norm findings of the signal layer (HR, PR, QRS, QTc against the child's age band). */
  ageNormFlags: MeasurementFlag[];
  /** Why measurements could not be made, when they could not. */
  measurementNote: string | null;
  /**
   * Atrial activity behind the atrial measurements (rates per minute; null where not measured, with
   * `reason`): the dominant atrial rate after QRST cancellation and its ratio to the ventricular
   * rate, and the rate of the activity not locked to the QRS (AV dissociation when slower than the
   * ventricles).
   */
  atrialActivity: {
    leads: string[];
    ventricularRatePerMin: number | null;
    atrialRatePerMin: number | null;
    atrialToVentricular: number | null;
    unlockedRatePerMin: number | null;
    unlockedToVentricular: number | null;
    reason: string | null;
  };
}

/** One line on the atrial activity, e.g. "atrial activity (II, V1): 300/min, 2.00 × the ventricular 150/min; not locked to the QRS: 130/min (0.87 ×)". */
function describeAtrialActivity(a: PredictResult['atrialActivity']): string {
  if (a.atrialRatePerMin === null || a.ventricularRatePerMin === null)
    return `atrial activity: not measured (${a.reason ?? 'unknown reason'})`;
  const unlocked =
    a.unlockedRatePerMin === null
      ? ''
      : `; not locked to the QRS: ${a.unlockedRatePerMin.toFixed(0)}/min (${(a.unlockedToVentricular as number).toFixed(2)} ×)`;
  return `atrial activity (${a.leads.join(', ')}): ${a.atrialRatePerMin.toFixed(0)}/min, ${(a.atrialToVentricular as number).toFixed(2)} × the ventricular ${a.ventricularRatePerMin.toFixed(0)}/min${unlocked}`;
}

export function register(program: Command): void {
  program
    .command('predict')
    .description(
      'classify one recording against a prototype bank: probabilities, nearest examples, "unknown" abstention, age-norm flags, atrial activity',
    )
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--bank <file>', 'bank written by fewbeat enroll')
    .requiredOption('--record <path>', 'recording (WFDB path without extension, EDF or CSV)')
    .option('--clinical <file>', "JSON object with the child's context (age_years, sex, schema fields)")
    .option('--nearest <k>', 'nearest support examples to list', '3')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        model: string;
        bank: string;
        record: string;
        clinical?: string;
        nearest: string;
        json?: boolean;
      }) => {
        const nearest = parseNumberOption('--nearest', opts.nearest, { integer: true, min: 0 });
        const bank = parseBank(readJsonFile(opts.bank), opts.bank);
        const ecg = loadEcg(opts.record);
        await initBackend();
        const trained = readModelDir(opts.model);
        try {
          const context = opts.clinical
            ? parseClinicalJson(readJsonFile(opts.clinical), trained.encoder.state.schema, opts.clinical)
            : { ageYears: null, sex: null, clinical: {} };
          // One measurement serves both the prototype space (age/sex-normalised values) and the flags.
          let measurement: Measurement | null = null;
          let measurementNote: string | null = null;
          try {
            measurement = measureEcg(ecg, {
              ageYears: context.ageYears ?? undefined,
              sex: context.sex ?? undefined,
              norms: defaultNormTable(),
            });
            if (context.ageYears === null) measurementNote = 'no age given: no age-norm flags';
          } catch (e) {
            if (!isFewbeatError(e)) throw e;
            measurementNote = e.reason;
          }
          const ageNormFlags: MeasurementFlag[] = measurement?.flags ?? [];
          const atrial = estimateAtrialActivity(ecg);
          const input = {
            ...preprocessEcg(ecg, trained.spec, opts.record),
            ...context,
            measurements: measurementValues(measurement, atrial),
          };
          const vectors = modelVectors(trained, [input]);
          // The child's clinical context joins the classifier only when given and the bank's gate is open.
          const clinical = opts.clinical ? (vectors.clinical?.[0] ?? null) : null;
          const head = bankHead(bank);
          const prediction = classifyWithBank(bank, vectors.vectors[0] as Float32Array, nearest, clinical, head);
          const q = assessQuality(ecg);
          const quality = {
            score: q.score,
            usable: q.usable,
            summary: q.summary,
            leads: q.leads.filter((l) => l.flags.length > 0).map((l) => ({ lead: l.lead, flags: [...l.flags] })),
          };
          const atrialActivity = {
            leads: atrial.leads,
            ventricularRatePerMin: atrial.ventricularRatePerMin,
            atrialRatePerMin: atrial.atrialRatePerMin,
            atrialToVentricular: atrial.atrialToVentricular,
            unlockedRatePerMin: atrial.unlockedHz === null ? null : 60 * atrial.unlockedHz,
            unlockedToVentricular: atrial.unlockedToVentricular,
            reason: atrial.reason,
          };
          const result: PredictResult = {
            record: opts.record,
            ...prediction,
            quality,
            ageNormFlags,
            measurementNote,
            atrialActivity,
          };
          emit(result, opts, (r) =>
            [
              `${r.record}: ${r.abstained ? `unknown — not like any enrolled class (nearest: ${r.nearestClass})` : r.predicted}`,
              `signal quality ${r.quality.score.toFixed(2)}${r.quality.usable ? '' : ' (UNUSABLE: do not trust this prediction)'}: ${r.quality.summary}`,
              ...Object.entries(r.probabilities)
                .sort((a, b) => b[1] - a[1])
                .map(
                  ([c, p]) =>
                    `  ${c.padEnd(16)} ${(100 * p).toFixed(1).padStart(5)} %   distance ${(r.distances[c] as number).toFixed(2)}`,
                ),
              ...(r.nearestExamples.length
                ? [
                    'nearest support examples:',
                    ...r.nearestExamples.map(
                      (e) => `  ${e.record} (${e.class}, patient ${e.patientId}) distance ${e.distance.toFixed(2)}`,
                    ),
                  ]
                : []),
              ...(r.ageNormFlags.length ? ['age-norm flags:', ...r.ageNormFlags.map((f) => `  ${f.text}`)] : []),
              describeAtrialActivity(r.atrialActivity),
              head.contextDecision?.used && !r.contextUsed
                ? 'clinical context: the bank would use it, but none was given (--clinical): classified on the ECG alone'
                : describeContextDecision(bank.head.contextGate, head.contextDecision),
              ...(r.measurementNote ? [`note: ${r.measurementNote}`] : []),
            ].join('\n'),
          );
        } finally {
          trained.model.dispose();
        }
      },
    );
}
