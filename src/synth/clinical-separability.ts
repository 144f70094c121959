import { ClinicalEncoder, type ClinicalInput } from '../clinical/encode.js';
import type { ClinicalSchema, ClinicalValue } from '../clinical/schema.js';
import { crossValidatedSoftmax, meanRecall, patientFolds } from './softmax-regression.js';

/** One recording's label and clinical context. */
export interface LabelledContext {
  readonly patientId: string;
  readonly label: string;
  readonly input: ClinicalInput;
}

/** How well the clinical context alone predicts the class (balanced accuracy, patient-grouped cross-validation). */
export interface ClinicalSeparability {
  /** Balanced accuracy of a one-field lookup classifier, per field (age_years and sex included). */
  readonly perField: Record<string, number>;
  readonly bestField: { readonly field: string; readonly balancedAccuracy: number };
  /** Balanced accuracy of softmax regression on all encoded fields (with missingness indicators). */
  readonly allFields: number;
  /** Balanced accuracy of guessing: 1 / number of classes. */
  readonly chance: number;
  readonly folds: number;
}

function fieldValue(input: ClinicalInput, field: string): ClinicalValue {
  if (field === 'age_years') return input.ageYears;
  if (field === 'sex') return input.sex;
  return input.clinical[field] ?? null;
}

/**
 * One-field classifier: the field's value (numbers binned at the training fold's deciles,
 * multi-label sets as a whole, missing as its own value) → the class under which that value is most
 * likely, P(value | class) with add-½ smoothing. With equal class priors this is the Bayes rule for
 * balanced accuracy.
 */
function singleFieldPredictions(
  rows: readonly LabelledContext[],
  field: string,
  y: readonly number[],
  classes: number,
  folds: readonly number[],
): number[] {
  const predicted = new Array<number>(rows.length).fill(0);
  const k = Math.max(...folds) + 1;
  for (let f = 0; f < k; f++) {
    const train = rows.flatMap((_, i) => (folds[i] === f ? [] : [i]));
    const numbers = train
      .map((i) => fieldValue(rows[i]!.input, field))
      .filter((v): v is number => typeof v === 'number')
      .sort((a, b) => a - b);
    const edges = numbers.length
      ? Array.from({ length: 9 }, (_, q) => numbers[Math.floor(((q + 1) * numbers.length) / 10)]!)
      : [];
    const key = (v: ClinicalValue): string => {
      if (v === null) return 'missing';
      if (typeof v === 'number') return `bin${edges.filter((e) => v >= e).length}`;
      return Array.isArray(v) ? [...v].sort().join(';') : String(v);
    };
    const counts = new Map<string, Float64Array>();
    const perClass = new Float64Array(classes);
    for (const i of train) {
      const c = counts.get(key(fieldValue(rows[i]!.input, field))) ?? new Float64Array(classes);
      c[y[i]!]! += 1;
      counts.set(key(fieldValue(rows[i]!.input, field)), c);
      perClass[y[i]!]! += 1;
    }
    const values = counts.size + 1;
    rows.forEach((row, i) => {
      if (folds[i] !== f) return;
      const c = counts.get(key(fieldValue(row.input, field)));
      let best = 0;
      let bestLikelihood = -Infinity;
      for (let cls = 0; cls < classes; cls++) {
        if (perClass[cls] === 0) continue;
        const likelihood = ((c?.[cls] ?? 0) + 0.5) / (perClass[cls]! + 0.5 * values);
        if (likelihood > bestLikelihood) {
          bestLikelihood = likelihood;
          best = cls;
        }
      }
      predicted[i] = best;
    });
  }
  return predicted;
}

/** Balanced accuracy of clinical-context-only classifiers, with `folds`-fold patient-grouped cross-validation. */
export function clinicalSeparability(
  schema: ClinicalSchema,
  rows: readonly LabelledContext[],
  folds = 5,
  iterations = 300,
): ClinicalSeparability {
  const labels = [...new Set(rows.map((r) => r.label))].sort();
  const y = rows.map((r) => labels.indexOf(r.label));
  const fold = patientFolds(
    rows.map((r) => r.patientId),
    folds,
  );
  const perField: Record<string, number> = {};
  for (const field of ['age_years', 'sex', ...schema.fields.map((f) => f.name)]) {
    perField[field] = meanRecall(y, singleFieldPredictions(rows, field, y, labels.length, fold));
  }
  const [field, balancedAccuracy] = Object.entries(perField).reduce((a, b) => (b[1] > a[1] ? b : a));
  const encoder = ClinicalEncoder.fit(
    schema,
    rows.map((r) => r.input),
  );
  const x = rows.map((r) => Float64Array.from(encoder.encode(r.input)));
  return {
    perField,
    bestField: { field, balancedAccuracy },
    allFields: crossValidatedSoftmax(x, y, labels.length, fold, { iterations }),
    chance: 1 / labels.length,
    folds,
  };
}
