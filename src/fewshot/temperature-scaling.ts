import { FewbeatError } from '../errors.js';
import { logSumExp, softmax } from '../util/softmax.js';

/** Smallest probability whose logarithm is taken (a classifier's exact zero stays finite). */
const FLOOR = 1e-300;
/** Search interval of the inverse temperature β = 1/T. */
const INVERSE_TEMPERATURE_RANGE: readonly [number, number] = [0.05, 20];

/**
 * Temperature scaling of class probabilities (Guo et al., "On Calibration of Modern Neural
 * Networks", ICML 2017): with the log-probabilities as logits, p_T(c) = softmax_c(log p(c) / T).
 * T > 1 softens, T < 1 sharpens; the argmax, hence every accuracy, is unchanged. T = 1 returns `p`.
 */
export function scaleProbabilities(p: readonly number[], temperature: number): number[] {
  if (temperature === 1) return [...p];
  return softmax(p.map((v) => Math.log(Math.max(v, FLOOR)) / temperature));
}

/** Mean negative log-likelihood of `labels` under the probabilities at inverse temperature β. */
function meanNll(logits: readonly number[][], labels: readonly number[], beta: number): number {
  let total = 0;
  logits.forEach((l, i) => {
    total += logSumExp(l.map((v) => beta * v)) - beta * (l[labels[i] as number] as number);
  });
  return total / logits.length;
}

/**
 * The temperature T that minimises the mean negative log-likelihood of held-out predictions,
 * NLL(β) = (1/n) Σ_i [log Σ_c exp(β·log p_ic) − β·log p_i,y_i] with β = 1/T, which is convex in β;
 * found by golden-section search over β ∈ [0.05, 20] to a relative width of 1e-6. Fitted on
 * validation queries of base-class children, it corrects the over- or under-confidence of a
 * few-shot classifier without changing any prediction.
 */
export function fitTemperature(probabilities: readonly (readonly number[])[], labels: readonly number[]): number {
  if (probabilities.length === 0 || probabilities.length !== labels.length) {
    throw new FewbeatError(
      `temperature scaling needs one label per prediction, got ${probabilities.length} predictions ` +
        `and ${labels.length} labels`,
    );
  }
  const logits = probabilities.map((p) => p.map((v) => Math.log(Math.max(v, FLOOR))));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [a, b] = INVERSE_TEMPERATURE_RANGE;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = meanNll(logits, labels, c);
  let fd = meanNll(logits, labels, d);
  while (b - a > 1e-6 * (a + b)) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = meanNll(logits, labels, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = meanNll(logits, labels, d);
    }
  }
  return 2 / (a + b);
}
