import type { FewbeatModel } from '../models/model.js';
import { OnnxTrunkRunner } from './onnx-trunk/onnx-trunk-runner.js';
import { InProcessRunner, type StepRunner } from './parallel/forward-step.js';
import { WorkerPool } from './parallel/worker-pool.js';
import type { TrainConfig } from '../model-dir/train-config.js';

/**
 * The {@link StepRunner} a training configuration asks for:
 * - engine `onnx` (default): the trunk on ONNX
 *   Runtime, on `workers` single-threaded worker sessions (0: one two-threaded session here);
 * - otherwise tfjs: the forward calls on a `WorkerPool` of `workers` threads, or in process for 0.
 * The caller disposes it.
 */
export async function createStepRunner(
  model: FewbeatModel,
  training: Pick<TrainConfig, 'engine' | 'workers'>,
): Promise<StepRunner> {
  if (training.engine === 'onnx') return OnnxTrunkRunner.create(model, { workers: training.workers });
  return training.workers > 0 ? WorkerPool.create(model, training.workers) : new InProcessRunner(model);
}
