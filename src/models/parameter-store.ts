import * as tf from '@tensorflow/tfjs';
import { FewbeatError } from '../errors.js';
import { Rng } from '../util/rng.js';
import type { Initializer } from './init.js';

interface Entry {
  variable: tf.Variable;
  trainable: boolean;
}

/** 32-bit FNV-1a hash of a parameter name, to give each parameter its own random stream. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The named parameters of a model, trainable (weights) and not (BatchNorm running statistics),
 * in creation order. Each parameter is initialised from its own generator seeded by
 * (model seed, parameter name), so a parameter's initial value does not depend on which other
 * parts the configuration adds.
 */
export class ParameterStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly seed: number) {}

  /** Create parameter `name` of `shape`, filled by `init`. Names are unique dotted paths (`ecg.block1.conv1.w`). */
  add(name: string, shape: readonly number[], init: Initializer, trainable = true): tf.Variable {
    if (this.entries.has(name)) throw new Error(`ParameterStore: parameter ${name} already exists`);
    const rng = new Rng((this.seed ^ hashName(name)) >>> 0);
    const variable = tf.tidy(() => tf.variable(tf.tensor(init(shape, rng), [...shape], 'float32'), trainable));
    this.entries.set(name, { variable, trainable });
    return variable;
  }

  /** The trainable variables, in creation order (what the optimiser updates). */
  trainableVariables(): tf.Variable[] {
    return [...this.entries.values()].filter((e) => e.trainable).map((e) => e.variable);
  }

  /** Number of trainable scalars. */
  countTrainable(): number {
    return this.trainableVariables().reduce((n, v) => n + v.size, 0);
  }

  /** Every parameter by name (trainable and running statistics); the tensors stay owned by the store. */
  all(): Map<string, tf.Variable> {
    return new Map([...this.entries].map(([name, e]) => [name, e.variable]));
  }

  /**
   * Overwrite every parameter from `weights`, which must hold exactly this store's names with
   * the same shapes (checked before anything is written). The tensors are copied, not kept.
   */
  assignAll(weights: ReadonlyMap<string, tf.Tensor>, source = 'weights'): void {
    const missing = [...this.entries.keys()].filter((name) => !weights.has(name));
    const unexpected = [...weights.keys()].filter((name) => !this.entries.has(name));
    if (missing.length > 0 || unexpected.length > 0) {
      const parts = [
        missing.length > 0
          ? `missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`
          : '',
        unexpected.length > 0
          ? `unexpected ` +
            `${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? ` and ${unexpected.length - 5} more` : ''}`
          : '',
      ].filter(Boolean);
      throw new FewbeatError(`${source} do not match the model: ${parts.join('; ')}`);
    }
    for (const [name, { variable }] of this.entries) {
      const value = weights.get(name) as tf.Tensor;
      if (!tf.util.arraysEqual(value.shape, variable.shape)) {
        throw new FewbeatError(
          `${source}: parameter ${name} has shape [${value.shape.join(',')}], ` +
            `the model expects [${variable.shape.join(',')}]`,
        );
      }
    }
    for (const [name, { variable }] of this.entries) {
      const value = weights.get(name) as tf.Tensor;
      if (value !== variable) variable.assign(value);
    }
  }

  /** Free every variable. */
  dispose(): void {
    for (const { variable } of this.entries.values()) variable.dispose();
    this.entries.clear();
  }
}
