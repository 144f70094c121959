/**
 * Multinomial logistic regression (softmax regression) with L2 penalty and class-balanced sample
 * weights, fitted by full-batch gradient descent on standardised features. Small and plain
 * TypeScript: the synthetic cohort uses it to show how much the clinical context alone, or a few
 * ECG measurements alone, tell about the class.
 *
 * Model: p(k | x) = softmax_k(W_k · [x̃, 1]), x̃ = (x − μ)/σ. Loss:
 *
 *     L = Σ_i w_i (−log p(y_i | x_i)) / Σ_i w_i + (λ/2) ‖W‖²,   w_i = 1 / n_{y_i}
 *
 * so every class counts equally, which is what balanced accuracy rewards.
 */
export interface SoftmaxOptions {
  /** @default 300 */
  readonly iterations?: number;
  /** @default 0.5 */
  readonly learningRate?: number;
  /** @default 1e-3 */
  readonly l2?: number;
}

export interface SoftmaxModel {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** (d + 1) × K weights, row-major, the last row the bias. */
  readonly weights: Float64Array;
  readonly classes: number;
}

/** Fit on rows `x` (each length d) with labels `y` in [0, classes). */
export function fitSoftmax(
  x: readonly Float64Array[],
  y: readonly number[],
  classes: number,
  options: SoftmaxOptions = {},
): SoftmaxModel {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const row of x) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  for (const row of x) for (let j = 0; j < d; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const xs = x.map((row) => {
    const z = new Float64Array(d + 1);
    for (let j = 0; j < d; j++) z[j] = (row[j]! - mean[j]!) / sd[j]!;
    z[d] = 1;
    return z;
  });
  const counts = new Float64Array(classes);
  for (const k of y) counts[k]! += 1;
  const w = y.map((k) => 1 / counts[k]!);
  const wSum = w.reduce((a, b) => a + b, 0);
  const weights = new Float64Array((d + 1) * classes);
  const grad = new Float64Array(weights.length);
  const logits = new Float64Array(classes);
  const lr = options.learningRate ?? 0.5;
  const l2 = options.l2 ?? 1e-3;
  for (let it = 0; it < (options.iterations ?? 300); it++) {
    grad.fill(0);
    xs.forEach((z, i) => {
      softmaxInto(z, weights, classes, logits);
      logits[y[i]!]! -= 1;
      const wi = w[i]! / wSum;
      for (let j = 0; j <= d; j++) {
        const zj = z[j]! * wi;
        if (zj === 0) continue;
        const base = j * classes;
        for (let k = 0; k < classes; k++) grad[base + k]! += zj * logits[k]!;
      }
    });
    for (let i = 0; i < weights.length; i++) weights[i]! -= lr * (grad[i]! + l2 * weights[i]!);
  }
  return { mean, sd, weights, classes };
}

function softmaxInto(z: Float64Array, weights: Float64Array, classes: number, out: Float64Array): void {
  out.fill(0);
  for (let j = 0; j < z.length; j++) {
    const zj = z[j]!;
    if (zj === 0) continue;
    const base = j * classes;
    for (let k = 0; k < classes; k++) out[k]! += zj * weights[base + k]!;
  }
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, out[k]!);
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    out[k] = Math.exp(out[k]! - max);
    sum += out[k]!;
  }
  for (let k = 0; k < classes; k++) out[k]! /= sum;
}

/** Most probable class of a row. */
export function predictSoftmax(model: SoftmaxModel, row: Float64Array): number {
  const d = model.mean.length;
  const z = new Float64Array(d + 1);
  for (let j = 0; j < d; j++) z[j] = (row[j]! - model.mean[j]!) / model.sd[j]!;
  z[d] = 1;
  const p = new Float64Array(model.classes);
  softmaxInto(z, model.weights, model.classes, p);
  let best = 0;
  for (let k = 1; k < model.classes; k++) if (p[k]! > p[best]!) best = k;
  return best;
}

/** Balanced accuracy: mean recall over the classes present in `truth` (as scikit-learn's balanced_accuracy_score). */
export function meanRecall(truth: readonly number[], predicted: readonly number[]): number {
  const hits = new Map<number, [number, number]>();
  truth.forEach((t, i) => {
    const h = hits.get(t) ?? [0, 0];
    h[0] += predicted[i] === t ? 1 : 0;
    h[1] += 1;
    hits.set(t, h);
  });
  let sum = 0;
  for (const [hit, total] of hits.values()) sum += hit / total;
  return hits.size ? sum / hits.size : Number.NaN;
}

/** Fold of each row, grouped so that all rows of a patient share a fold (patient-disjoint cross-validation). */
export function patientFolds(patientIds: readonly string[], folds: number): number[] {
  const order = [...new Set(patientIds)];
  const foldOf = new Map(order.map((p, i) => [p, i % folds]));
  return patientIds.map((p) => foldOf.get(p)!);
}

/** Cross-validated balanced accuracy of softmax regression on `x`, `y` with the given folds. */
export function crossValidatedSoftmax(
  x: readonly Float64Array[],
  y: readonly number[],
  classes: number,
  folds: readonly number[],
  options: SoftmaxOptions = {},
): number {
  const predicted = new Array<number>(y.length).fill(-1);
  const k = Math.max(...folds) + 1;
  for (let f = 0; f < k; f++) {
    const train = folds.flatMap((g, i) => (g === f ? [] : [i]));
    const model = fitSoftmax(
      train.map((i) => x[i]!),
      train.map((i) => y[i]!),
      classes,
      options,
    );
    folds.forEach((g, i) => {
      if (g === f) predicted[i] = predictSoftmax(model, x[i]!);
    });
  }
  return meanRecall(y, predicted);
}
