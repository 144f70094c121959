import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { binaryAuroc, oneVsRestAuroc } from './auroc.js';
import { accuracy, balancedAccuracy } from './balanced-accuracy.js';
import { brierScore } from './brier-score.js';
import { confusionMatrix } from './confusion-matrix.js';
import { logLoss } from './log-loss.js';
import { precisionRecallF1 } from './precision-recall-f1.js';

/**
 * Golden cases computed by scikit-learn 1.2.1 (test/fixtures/reference/metrics.json, a verbatim
 * copy of ../shared/reference/metrics.json). Per-class values there are rounded to 10 decimals.
 */
interface ReferenceCase {
  n_classes: number;
  y_true: number[];
  y_score: number[][];
  y_pred: number[];
  balanced_accuracy: number;
  accuracy: number;
  f1_macro: number;
  f1_per_class: number[];
  precision_per_class: number[];
  recall_per_class: number[];
  confusion_matrix: number[][];
  auroc_ovr_macro?: number;
  auroc_binary?: number;
  auroc_per_class: number[];
  brier_multiclass: number;
  log_loss: number;
}

const FIXTURE = join(REPO_ROOT, 'test/fixtures/reference/metrics.json');
const SHARED = join(REPO_ROOT, '../shared/reference/metrics.json');
const reference = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { notes: string; cases: ReferenceCase[] };

describe.skipIf(!existsSync(SHARED))('the reference fixture', () => {
  it('is a verbatim copy of ../shared/reference/metrics.json', () => {
    expect(readFileSync(FIXTURE, 'utf8') === readFileSync(SHARED, 'utf8')).toBe(true);
  });
});

it('covers the cases this test expects (zero_division = 0, scikit-learn 1.2.1)', () => {
  expect(reference.notes).toMatch(/zero_division=0/);
  expect(reference.cases.length).toBeGreaterThanOrEqual(12);
});

/** Rows divided by their sums, as the reference did before its multi-class AUROC. */
const renormalised = (rows: number[][]): number[][] =>
  rows.map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((p) => p / s);
  });

describe.each(reference.cases.map((c, i) => [i, c] as const))('scikit-learn reference case %i', (_i, c) => {
  const cm = confusionMatrix(c.y_true, c.y_pred, c.n_classes);

  it('predicts the arg-max class of every score row, first maximum on ties', () => {
    expect(c.y_score.map((r) => r.indexOf(Math.max(...r)))).toEqual(c.y_pred);
  });

  it('builds the same confusion matrix', () => {
    expect(cm).toEqual(c.confusion_matrix);
  });

  it('matches accuracy and balanced accuracy', () => {
    expect(accuracy(cm)).toBeCloseTo(c.accuracy, 12);
    expect(balancedAccuracy(cm)).toBeCloseTo(c.balanced_accuracy, 12);
  });

  it('matches precision, recall and F1 per class and the macro F1 (zero_division=0)', () => {
    const prf = precisionRecallF1(cm);
    prf.precision.forEach((v, k) => expect(v).toBeCloseTo(c.precision_per_class[k] as number, 9));
    prf.recall.forEach((v, k) => expect(v).toBeCloseTo(c.recall_per_class[k] as number, 9));
    prf.f1.forEach((v, k) => expect(v).toBeCloseTo(c.f1_per_class[k] as number, 9));
    expect(prf.f1Macro).toBeCloseTo(c.f1_macro, 12);
  });

  it('matches the one-vs-rest AUROC per class and its macro mean, ties included', () => {
    const scores = c.n_classes > 2 ? renormalised(c.y_score) : c.y_score;
    const auroc = oneVsRestAuroc(c.y_true, scores, c.n_classes);
    auroc.perClass.forEach((r, k) => expect(r.value).toBeCloseTo(c.auroc_per_class[k] as number, 9));
    if (c.auroc_ovr_macro !== undefined) expect(auroc.macro).toBeCloseTo(c.auroc_ovr_macro, 12);
    if (c.auroc_binary !== undefined) {
      expect(
        binaryAuroc(
          c.y_true.map((t) => t === 1),
          c.y_score.map((r) => r[1] as number),
        ).value,
      ).toBeCloseTo(c.auroc_binary, 12);
    }
  });

  it('matches log loss and the multi-class Brier score', () => {
    expect(logLoss(c.y_true, c.y_score)).toBeCloseTo(c.log_loss, 12);
    expect(brierScore(c.y_true, c.y_score)).toBeCloseTo(c.brier_multiclass, 12);
  });
});
