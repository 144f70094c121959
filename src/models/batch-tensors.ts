import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/batch.js';
import type { ModelInput } from './model.js';

/**
 * Upload a batch as model inputs: ecg [B, T, L], leadMask [B, L], clinical [B, F]. The caller owns
 * the tensors (dispose them, or call inside `tf.tidy`).
 */
export function batchTensors(batch: Batch): ModelInput {
  return {
    ecg: tf.tensor3d(batch.ecg, [batch.size, batch.samples, batch.leads]),
    leadMask: tf.tensor2d(batch.leadMask, [batch.size, batch.leads]),
    clinical: tf.tensor2d(batch.clinical, [batch.size, batch.features]),
  };
}
