import { parentPort, workerData } from 'node:worker_threads';
import { ClinicalEncoder, type ClinicalEncoderState } from '../../clinical/encode.js';
import type { PreparedCohort } from '../../data/prepare-cohort.js';
import type { TrainConfig } from '../../model-dir/train-config.js';
import type { ModelConfigInput } from '../../models/config.js';
import { initBackend } from '../../runtime/backend.js';
import { trainModel } from '../../train/train-model.js';

/**
 * What a variant's training thread receives: the prepared cohort as plain data (structured clone; the
 * clinical encoder as its state) and the arguments of `trainModel`.
 */
export interface VariantThreadTask {
  prepared: Omit<PreparedCohort, 'encoder'> & { encoderState: ClinicalEncoderState };
  outDir: string;
  seed: number;
  training: TrainConfig;
  modelOverrides: ModelConfigInput | null;
  resume: boolean;
}

/** What it answers when training is done. */
export interface VariantThreadResult {
  episodes: number;
  seconds: number;
  bestAccuracy: number;
}

/**
 * Entry of a worker thread that trains one variant (`trainVariantInThread`, demo-run.ts) exactly as
 * `trainModel` trains it on the main thread: same cohort, seed and configuration, so the same weights.
 * A failure ends the thread with the error, which the main thread receives.
 */
const task = workerData as VariantThreadTask;
await initBackend('wasm');
const { encoderState, ...prepared } = task.prepared;
const result = await trainModel({
  prepared: { ...prepared, encoder: new ClinicalEncoder(encoderState) },
  outDir: task.outDir,
  preset: 'default',
  seed: task.seed,
  training: task.training,
  resume: task.resume,
  ...(task.modelOverrides ? { modelOverrides: task.modelOverrides } : {}),
});
result.model.dispose();
const answer: VariantThreadResult = {
  episodes: result.state.episode,
  seconds: result.seconds,
  bestAccuracy: result.state.best.accuracy,
};
parentPort?.postMessage(answer);
