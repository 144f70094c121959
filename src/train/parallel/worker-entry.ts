/**
 * Entry of a training worker thread (started by `WorkerPool`). It owns its own tfjs + wasm
 * backend and its own copy of the model; per step it syncs the weights from the shared buffer,
 * runs its forward calls and, inside `tf.variableGrads`, blocks until main sends dL/d(outputs):
 *
 *     f(θ) = Σ_k Σ_o sum(o_k(θ) ⊙ stopGradient(∂L/∂o_k))   ⇒   ∂f/∂θ = Σ_k (∂o_k/∂θ)ᵀ ∂L/∂o_k = ∂L/∂θ|_these calls
 *
 * so the vector-Jacobian product comes out of one backward pass over the forward it already ran.
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { FewbeatModel } from '../../models/model.js';
import { initBackend } from '../../runtime/backend.js';
import { batchTensors } from '../../models/batch-tensors.js';
import {
  OUTPUT_KEYS,
  sharedClock,
  wasmHeapBytes,
  type FromWorker,
  type InitMessage,
  type StepMessage,
  type ToWorker,
  type UpstreamMessage,
  type WireTensor,
} from './protocol.js';
import { WeightLayout } from './weight-layout.js';

interface WorkerState {
  init: InitMessage;
  model: FewbeatModel;
  layout: WeightLayout;
  weights: Float32Array;
  signal: Int32Array;
}

const port = parentPort;
if (!port) throw new Error('worker-entry.ts runs only as a worker thread');
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

/** Block until main stores `id` in this worker's signal slot, then read the upstream message. */
function awaitUpstream(s: WorkerState, id: number): UpstreamMessage {
  const deadline = performance.now() + s.init.timeoutMs;
  for (;;) {
    const seen = Atomics.load(s.signal, s.init.slot);
    if (seen === id) break;
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`no gradients from the main thread for step ${id} within ${s.init.timeoutMs} ms`);
    Atomics.wait(s.signal, s.init.slot, seen, left);
  }
  const received = receiveMessageOnPort(s.init.gradientPort);
  const upstream = received?.message as UpstreamMessage | undefined;
  if (!upstream || upstream.id !== id) throw new Error(`step ${id}: the gradient message is missing or out of order`);
  if (upstream.abort !== undefined) throw new Error(`step ${id} aborted by the main thread: ${upstream.abort}`);
  return upstream;
}

function runStep(s: WorkerState, msg: StepMessage): void {
  const { model, layout } = s;
  layout.read(s.weights);
  const start = layout.readRunning();
  const running: Float32Array[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const outputs = msg.batches.map((batch, k) => {
      if (k > 0) layout.writeRunning(start); // every call updates from the synced start
      const out = model.forward(batchTensors(batch), { training: true });
      running.push(layout.readRunning());
      return out;
    });
    const wire: WireTensor[][] = outputs.map((o) =>
      OUTPUT_KEYS.map((key) => ({ values: o[key].dataSync() as Float32Array, shape: [...o[key].shape] })),
    );
    post({ type: 'outputs', id: msg.id, outputs: wire, running, postedAt: sharedClock() });
    const upstream = awaitUpstream(s, msg.id);
    const terms: tf.Scalar[] = [];
    outputs.forEach((o, k) =>
      OUTPUT_KEYS.forEach((key, j) => {
        const g = upstream.gradients?.[k]?.[j];
        if (g) terms.push(tf.sum(tf.mul(o[key], tf.tensor(g, o[key].shape, 'float32'))));
      }),
    );
    return (terms.length > 0 ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
  }, model.trainableVariables());
  const values = new Float32Array(layout.trainableSize);
  const present = new Uint8Array(layout.trainable.length);
  model.trainableVariables().forEach((v, i) => {
    const g = grads[v.name];
    if (!g) return;
    values.set(g.dataSync(), layout.gradientOffsets[i] as number);
    present[i] = 1;
  });
  tf.dispose([value, ...Object.values(grads)]);
  post(
    { type: 'gradients', id: msg.id, values, present, numTensors: tf.memory().numTensors, heapBytes: wasmHeapBytes() },
    [values.buffer as ArrayBuffer, present.buffer as ArrayBuffer],
  );
}

let state: WorkerState | null = null;

port.on('message', (msg: ToWorker) => {
  void (async () => {
    try {
      if (msg.type === 'init') {
        await initBackend(msg.backend);
        const model = new FewbeatModel(msg.config, msg.seed);
        const layout = new WeightLayout(model);
        state = {
          init: msg,
          model,
          layout,
          weights: new Float32Array(msg.weights),
          signal: new Int32Array(msg.signal),
        };
        post({ type: 'ready', names: layout.names() });
      } else {
        if (!state) throw new Error('step before init');
        runStep(state, msg);
      }
    } catch (e) {
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
