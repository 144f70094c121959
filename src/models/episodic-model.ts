import type * as tf from '@tensorflow/tfjs';
import type { ModelInput, ModelOutput } from './model.js';

/** Inputs of a model forward pass (see `ModelInput` in src/models/model.ts for the shapes). */
export type ModelInputs = ModelInput;
/** Outputs of a model forward pass (see `ModelOutput` in src/models/model.ts for the shapes). */
export type ModelOutputs = ModelOutput;

/**
 * What the trainer, few-shot bank and evaluation need from a model: the contract of
 * `FewbeatModel` (src/models), stated structurally so that training code and its tests depend on
 * the shape of the model, not on one class.
 */
export interface EpisodicModel {
  forward(inputs: ModelInputs, options: { training: boolean }): ModelOutputs;
  trainableVariables(): tf.Variable[];
}
