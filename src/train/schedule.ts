import type { TrainConfig } from '../model-dir/train-config.js';

/**
 * Learning rate at episode `e` (0-based) of `total`:
 * - cosine (Loshchilov & Hutter, SGDR, ICLR 2017, one cycle without restarts):
 *   η_e = η_min + ½ (η_0 − η_min)(1 + cos(π e / total));
 * - step: η_e = η_0 · factor^⌊e / every⌋;
 * - constant: η_0.
 */
export function learningRateAt(
  e: number,
  total: number,
  c: Pick<TrainConfig, 'schedule' | 'learningRate' | 'minLearningRate' | 'stepEvery' | 'stepFactor'>,
): number {
  if (c.schedule === 'cosine')
    return (
      c.minLearningRate +
      0.5 * (c.learningRate - c.minLearningRate) * (1 + Math.cos((Math.PI * Math.min(e, total)) / total))
    );
  if (c.schedule === 'step') return c.learningRate * c.stepFactor ** Math.floor(e / c.stepEvery);
  return c.learningRate;
}
