import * as tf from '@tensorflow/tfjs';
import type { FewbeatModel } from '../../models/model.js';

/** Where one parameter lives in the flat weight buffer. */
export interface WeightSlot {
  name: string;
  shape: number[];
  /** Offset and length in float32 elements. */
  offset: number;
  size: number;
  trainable: boolean;
}

/**
 * Every parameter of a model (trainable weights and BatchNorm running statistics) laid out end to
 * end in one float32 buffer, in the model's parameter order. Main thread and workers build the
 * same layout from the same `ModelConfig`, so a `SharedArrayBuffer` of `size` floats carries the
 * whole model between threads; `trainable` gives the order gradients are flattened in.
 */
export class WeightLayout {
  readonly slots: WeightSlot[];
  readonly size: number;
  /** The trainable slots, in the order of `model.trainableVariables()`. */
  readonly trainable: WeightSlot[];
  /** Total float32 elements of the trainable slots: the length of a flat gradient. */
  readonly trainableSize: number;
  /** Offset of each trainable slot in a flat gradient (trainable slots end to end). */
  readonly gradientOffsets: number[];
  /** The non-trainable slots (BatchNorm running mean and variance). */
  readonly running: WeightSlot[];

  constructor(private readonly model: FewbeatModel) {
    const trainableSet = new Set<tf.Tensor>(model.trainableVariables());
    let offset = 0;
    this.slots = [...model.getWeights()].map(([name, t]) => {
      const slot = { name, shape: [...t.shape], offset, size: t.size, trainable: trainableSet.has(t) };
      offset += t.size;
      return slot;
    });
    this.size = offset;
    const byName = new Map(this.slots.map((s) => [s.name, s]));
    const names = new Map([...model.getWeights()].map(([name, t]) => [t, name]));
    this.trainable = model.trainableVariables().map((v) => byName.get(names.get(v) as string) as WeightSlot);
    let at = 0;
    this.gradientOffsets = this.trainable.map((s) => (at += s.size) - s.size);
    this.trainableSize = at;
    this.running = this.slots.filter((s) => !s.trainable);
  }

  /** The parameter names in buffer order (to check that two threads agree on the layout). */
  names(): string[] {
    return this.slots.map((s) => s.name);
  }

  /** Copy every parameter of the model into `buffer` (length ≥ `size`). */
  write(buffer: Float32Array): void {
    const weights = this.model.getWeights();
    for (const s of this.slots) buffer.set((weights.get(s.name) as tf.Tensor).dataSync(), s.offset);
  }

  /** Set every parameter of the model from `buffer`. */
  read(buffer: Float32Array): void {
    const weights = new Map(
      this.slots.map((s) => [s.name, tf.tensor(buffer.slice(s.offset, s.offset + s.size), s.shape, 'float32')]),
    );
    try {
      this.model.setWeights(weights, 'synced weights');
    } finally {
      tf.dispose([...weights.values()]);
    }
  }

  /** The running statistics now, concatenated in slot order. */
  readRunning(): Float32Array {
    const weights = this.model.getWeights();
    const out = new Float32Array(this.running.reduce((n, s) => n + s.size, 0));
    let at = 0;
    for (const s of this.running) {
      out.set((weights.get(s.name) as tf.Tensor).dataSync(), at);
      at += s.size;
    }
    return out;
  }

  /** Set the running statistics from a concatenation as returned by {@link readRunning}. */
  writeRunning(values: Float32Array): void {
    const weights = this.model.getWeights();
    let at = 0;
    tf.tidy(() => {
      for (const s of this.running) {
        (weights.get(s.name) as tf.Variable).assign(tf.tensor(values.subarray(at, at + s.size), s.shape, 'float32'));
        at += s.size;
      }
    });
  }
}

/**
 * The running statistics after K forward calls in order, from what each call did on its own.
 * A BatchNorm update is r ← (1 − m)·r + m·s_k (s_k the call's batch statistic); a worker runs call
 * k from the synced start r₀ and reports a_k = (1 − m)·r₀ + m·s_k, so m·s_k = a_k − (1 − m)·r₀ and
 *
 *     r_k = (1 − m)·r_{k−1} + a_k − (1 − m)·r₀,   r_0 = r₀.
 *
 * An element the call left exactly at r₀ belongs to a layer (or stream) the call did not run, and
 * keeps its value.
 *
 * @param start r₀, @param afterEach a_k per call in list order, @param momentum m.
 */
export function replayRunningUpdates(
  start: Float32Array,
  afterEach: readonly Float32Array[],
  momentum: number,
): Float32Array {
  const r = Float32Array.from(start);
  const keep = 1 - momentum;
  for (const a of afterEach) {
    for (let i = 0; i < r.length; i++) {
      const ai = a[i] as number;
      const r0 = start[i] as number;
      if (ai !== r0) r[i] = keep * (r[i] as number) + ai - keep * r0;
    }
  }
  return r;
}
