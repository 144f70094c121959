import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../data/batch.js';
import { batchTensors } from '../../models/batch-tensors.js';
import type { EpisodicModel, ModelOutputs } from '../../models/episodic-model.js';

/** A step's loss: the scalar that is differentiated and its [P] reported parts (a type, so tf.tidy can return it). */
export type StepLoss = { total: tf.Scalar; parts: tf.Tensor1D };

/**
 * One training step as data: a list of model forward calls (training mode, in list order, each
 * with its own BatchNorm batch statistics) and a loss that is a function of their outputs only
 * (plus any variables of the caller's, such as a supervised head). Because the loss sees nothing
 * but the outputs, the forward calls can run anywhere: in this thread ({@link runInProcess}) or
 * spread over worker threads (`WorkerPool`), with the same result.
 */
export interface ForwardStep {
  /** Inputs of each forward call, in order. */
  batches: readonly Batch[];
  /** The loss from the outputs of every call (same order as `batches`). */
  loss(outputs: readonly ModelOutputs[]): StepLoss;
}

/** What one optimiser step reports. */
export interface StepResult {
  /** Total loss before the update. */
  loss: number;
  /** The loss parts, as returned by {@link ForwardStep.loss}. */
  parts: number[];
  /**
   * Milliseconds the workers' outputs waited for the main thread to pick them up (it was busy,
   * e.g. building the next episode): the compute time lost to input work. 0 in process.
   */
  mainBusyMs: number;
}

/** Something that takes optimiser steps on a model: in process, or on a pool of worker threads. */
export interface StepRunner {
  /** Worker threads used (0 = in process). */
  readonly workers: number;
  /**
   * Forward the step's batches, differentiate its loss w.r.t. the model's trainable variables and
   * `extraVariables`, and apply `optimizer` to them. BatchNorm running statistics end as after the
   * forward calls in list order.
   */
  step(step: ForwardStep, optimizer: tf.Optimizer, extraVariables?: readonly tf.Variable[]): Promise<StepResult>;
  /** Release the runner's threads (the model belongs to the caller). */
  dispose(): Promise<void>;
}

/**
 * The step's loss with its forward calls run in this thread (training mode, in list order: BatchNorm
 * running statistics are updated). Intermediate tensors are released; the caller owns the result.
 */
export function lossInProcess(model: EpisodicModel, step: ForwardStep): StepLoss {
  return tf.tidy(() => step.loss(step.batches.map((b) => model.forward(batchTensors(b), { training: true }))));
}

/**
 * The reference step, in this thread: L = loss(forward(b_1), …, forward(b_K)) inside
 * `tf.variableGrads`, then `optimizer.applyGradients`. Every tensor it makes is released.
 */
export function runInProcess(
  model: EpisodicModel,
  step: ForwardStep,
  optimizer: tf.Optimizer,
  extraVariables: readonly tf.Variable[] = [],
): StepResult {
  let parts: tf.Tensor1D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const l = lossInProcess(model, step);
    parts = tf.keep(l.parts);
    return l.total;
  }, [...model.trainableVariables(), ...extraVariables]);
  optimizer.applyGradients(grads);
  const loss = value.dataSync()[0] as number;
  const kept = parts as unknown as tf.Tensor1D;
  const partValues = Array.from(kept.dataSync());
  tf.dispose([value, kept, ...Object.values(grads)]);
  return { loss, parts: partValues, mainBusyMs: 0 };
}

/** {@link runInProcess} as a {@link StepRunner}. */
export class InProcessRunner implements StepRunner {
  readonly workers = 0;

  constructor(private readonly model: EpisodicModel) {}

  step(step: ForwardStep, optimizer: tf.Optimizer, extraVariables: readonly tf.Variable[] = []): Promise<StepResult> {
    return Promise.resolve(runInProcess(this.model, step, optimizer, extraVariables));
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
