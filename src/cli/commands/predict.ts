import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { preprocessEcg } from '../../data/preprocess.js';
import { FewbeatError, isFewbeatError } from '../../errors.js';
import { modelVectors } from '../../model-dir/model-vectors.js';
import {
  bankHead,
  classifyWithBank,
  describeContextDecision,
  checkBankModel,
  parseBank,
  type BankPrediction,
} from '../../fewshot/prototype-bank.js';
import { withFileDemographics } from '../../io/file-demographics.js';
import { loadEcg } from '../../io/load-ecg.js';
import { initBackend } from '../../runtime/backend.js';
import { estimateAtrialActivity } from '../../signal/atrial-activity.js';
import { assessQuality } from '../../signal/assess-quality.js';
import { measureEcg, type Measurement, type MeasurementFlag } from '../../signal/measure-ecg.js';
import { defaultNormTable } from '../../signal/norms/default-norms.js';
import { measurementValues } from '../../data/measurements.js';
import { modelConfigSha256, readModelDir } from '../../model-dir/model-dir.js';
import { parseClinicalJson } from '../../clinical/parse-clinical-json.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';

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

interface PredictResult extends BankPrediction {
  record: string;
  /** Signal quality of the recording (flat line, clipping, lead off, noise, wander per lead). */
  quality: { score: number; usable: boolean; summary: string; leads: Array<{ lead: string; flags: string[] }> };
  /** Age-norm findings of the signal layer (HR, PR, QRS, QTc against the child's age band). */
  ageNormFlags: MeasurementFlag[];
  /** Why measurements could not be made, when they could not. */
  measurementNote: string | null;
  /** Clinical fields taken from the recording's file because the user did not give them (`age_years`, `sex`). */
  contextFromFile: Array<'age_years' | 'sex'>;
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

/**
 * One line on the atrial activity, e.g. "atrial activity (II, V1): 300/min, 2.00 × the ventricular 150/min; not locked
 * to the QRS: 130/min (0.87 ×)".
 */
function describeAtrialActivity(a: PredictResult['atrialActivity']): string {
  if (a.atrialRatePerMin === null || a.ventricularRatePerMin === null)
    return `atrial activity: not measured (${a.reason ?? 'unknown reason'})`;
  const unlocked =
    a.unlockedRatePerMin === null
      ? ''
      : `; not locked to the QRS: ${a.unlockedRatePerMin.toFixed(0)}/min ` +
        `(${(a.unlockedToVentricular as number).toFixed(2)} ×)`;
  return (
    `atrial activity (${a.leads.join(', ')}): ` +
    `${a.atrialRatePerMin.toFixed(0)}/min, ` +
    `${(a.atrialToVentricular as number).toFixed(2)} × the ventricular ` +
    `${a.ventricularRatePerMin.toFixed(0)}/min${unlocked}`
  );
}

export function register(program: Command): void {
  program
    .command('predict')
    .description(
      'classify one recording against a prototype bank: probabilities, ' +
        'nearest examples, "unknown" abstention, age-norm flags, atrial activity',
    )
    .requiredOption('--model <dir>', 'model directory written by fewbeat train')
    .requiredOption('--bank <file>', 'bank written by fewbeat enroll')
    .requiredOption('--record <path>', 'recording of any format (WFDB, EDF, CSV, DICOM, SCP-ECG)')
    .option(
      '--clinical <file>',
      "JSON object with the child's context (age_years, sex, schema fields); age and sex default to the file's own",
    )
    .option('--nearest <k>', 'nearest support examples to list', '3')
    .option('--strict', STRICT_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        model: string;
        bank: string;
        record: string;
        clinical?: string;
        nearest: string;
        strict?: boolean;
        json?: boolean;
      }) => {
        const nearest = parseNumberOption('--nearest', opts.nearest, { integer: true, min: 0 });
        const bank = parseBank(readJsonFile(opts.bank), opts.bank);
        const ecg = loadEcg(opts.record, { strict: opts.strict, onWarning: stderrWarner() });
        await initBackend();
        const trained = readModelDir(opts.model);
        try {
          checkBankModel(bank, modelConfigSha256(opts.model), `--model (${opts.model})`);
          // age and sex from --clinical, else from the recording's file (hospital exports carry them)
          const { fromFile, ...context } = withFileDemographics(
            opts.clinical
              ? parseClinicalJson(readJsonFile(opts.clinical), trained.encoder.state.schema, opts.clinical)
              : { ageYears: null, sex: null, clinical: {} },
            ecg.meta,
          );
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
          const clinical = opts.clinical || fromFile.length > 0 ? (vectors.clinical?.[0] ?? null) : null;
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
            contextFromFile: fromFile,
          };
          emit(result, opts, (r) =>
            [
              `${r.record}: ` +
                `${r.abstained ? `unknown — not like any enrolled class (nearest: ${r.nearestClass})` : r.predicted}`,
              `signal quality ` +
                `${r.quality.score.toFixed(2)}` +
                `${r.quality.usable ? '' : ' (UNUSABLE: do not trust this prediction)'}: ` +
                `${r.quality.summary}`,
              ...Object.entries(r.probabilities)
                .sort((a, b) => b[1] - a[1])
                .map(
                  ([c, p]) =>
                    `  ${c.padEnd(16)} ${(100 * p).toFixed(1).padStart(5)} %   distance ` +
                    `${(r.distances[c] as number).toFixed(2)}`,
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
                ? 'clinical context: the bank would use it, but none was given ' +
                  '(--clinical): classified on the ECG alone'
                : describeContextDecision(bank.head.contextGate, head.contextDecision),
              ...(r.contextFromFile.length ? [`from the file: ${r.contextFromFile.join(', ')}`] : []),
              ...(r.measurementNote ? [`note: ${r.measurementNote}`] : []),
            ].join('\n'),
          );
        } finally {
          trained.model.dispose();
        }
      },
    );
}
