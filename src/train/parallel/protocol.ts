import type { MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../../data/batch.js';
import type { ModelConfig } from '../../models/config.js';
import type { ModelOutputs } from '../../models/episodic-model.js';

/**
 * The messages between the main thread and a training worker (see `worker-pool.ts` for the
 * sequence). Everything is structured-cloned typed arrays; the weights travel in a shared buffer.
 */

/** The outputs of a forward call, in this order on the wire. */
export const OUTPUT_KEYS = [
  'ecgEmbedding',
  'clinicalEmbedding',
  'fused',
  'ecgProj',
  'clinProj',
  'logitScale',
] as const satisfies ReadonlyArray<keyof ModelOutputs>;

/** One tensor as values and shape. */
export interface WireTensor {
  values: Float32Array;
  shape: number[];
}

/** Main → worker, once: build the model and wait for steps. */
export interface InitMessage {
  type: 'init';
  config: ModelConfig;
  seed: number;
  /** tfjs backend of the main thread (`wasm`, or `cpu` in reference tests). */
  backend: 'wasm' | 'cpu';
  /** Float32 weights of the whole model (see `WeightLayout`), written by main before each step. */
  weights: SharedArrayBuffer;
  /** Int32 per worker: main stores the step id there when the upstream gradients are posted. */
  signal: SharedArrayBuffer;
  /** This worker's slot in `signal`. */
  slot: number;
  /** Where main posts the upstream gradients (read synchronously with receiveMessageOnPort). */
  gradientPort: MessagePort;
  /** Longest wait for the upstream gradients before the worker gives up with an error. */
  timeoutMs: number;
}

/** Main → worker: run these forward calls (training mode) from the weights in the shared buffer. */
export interface StepMessage {
  type: 'step';
  id: number;
  batches: Batch[];
}

/**
 * Main → worker (gradient port): dL/d(output) per call and output key (null = the loss does not use
 * it), or an abort.
 */
export interface UpstreamMessage {
  id: number;
  gradients?: Array<Array<Float32Array | null>>;
  abort?: string;
}

/** Worker → main after init. */
export interface ReadyMessage {
  type: 'ready';
  names: string[];
}

/** Worker → main: the outputs of its forward calls and the running statistics after each. */
export interface OutputsMessage {
  type: 'outputs';
  id: number;
  /** Per call, the outputs in {@link OUTPUT_KEYS} order. */
  outputs: WireTensor[][];
  /** Per call, the running statistics after the call, started from the synced values. */
  running: Float32Array[];
  /** performance.timeOrigin + performance.now() when posted. */
  postedAt: number;
}

/** Worker → main: the parameter gradients of its calls, flattened in trainable order. */
export interface GradientsMessage {
  type: 'gradients';
  id: number;
  values: Float32Array;
  /** Per trainable variable, 1 when the loss reached it through this worker's calls. */
  present: Uint8Array;
  /** tf.memory().numTensors in the worker after the step. */
  numTensors: number;
  /** Bytes of the worker's WebAssembly heap (it grows to the largest step and never shrinks); 0 off wasm. */
  heapBytes: number;
}

/** Worker → main: the step (or init) failed. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ToWorker = InitMessage | StepMessage;
export type FromWorker = ReadyMessage | OutputsMessage | GradientsMessage | ErrorMessage;

/** Bytes of this thread's tfjs WebAssembly heap (0 on another backend). */
export function wasmHeapBytes(): number {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.length ?? 0;
}

/** A timestamp comparable across threads (ms). */
export function sharedClock(): number {
  return performance.timeOrigin + performance.now();
}
