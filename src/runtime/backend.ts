/**
 * The one module that chooses and initialises the TensorFlow.js backend.
 *
 * fewbeat computes on `wasm` (`@tensorflow/tfjs-backend-wasm`, XNNPACK kernels) by default; the
 * pure-JS `cpu` backend stays available as a slow reference for parity tests. Nothing else in
 * fewbeat imports the wasm backend or calls `tf.setBackend`.
 *
 * In Node the wasm backend runs on one thread: its threaded build needs a browser-style worker
 * set-up that does not start under Node, so {@link initBackend} pins the thread count to 1.
 * The `.wasm` binaries are loaded from the npm package itself (nothing is fetched).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The backends fewbeat can run on. */
export type BackendName = 'wasm' | 'cpu';

let wasmPathsSet = false;

/** Directory of the installed `@tensorflow/tfjs-backend-wasm` build, where its `.wasm` files live. */
function wasmDistDirectory(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

/**
 * Make `name` (default `wasm`) the active tfjs backend and wait until it is ready.
 * Idempotent: calling it again with the active backend does nothing; with the other backend it
 * switches (tensors made on the previous backend stay readable, tfjs moves them on use).
 *
 * @returns the name of the active backend.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<string> {
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(wasmDistDirectory());
    setThreadsCount(1);
    wasmPathsSet = true;
  }
  if (tf.getBackend() !== name) {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  }
  await tf.ready();
  return tf.getBackend();
}

/** Name of the backend tfjs computes on now (`wasm` after {@link initBackend}). */
export function activeBackend(): string {
  return tf.getBackend();
}

/** Tensors alive in this thread's tfjs engine (`tf.memory().numTensors`): flat across requests when nothing leaks. */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
