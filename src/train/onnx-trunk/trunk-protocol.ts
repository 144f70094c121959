/**
 * Messages between the main thread and a trunk worker (see `trunk-pool.ts`). Typed arrays are
 * structured-cloned (or transferred where marked).
 */
import type { TrunkCall, TrunkForward, TrunkSessionSpec } from './trunk-session.js';

export type ToTrunkWorker =
  | { type: 'init'; spec: TrunkSessionSpec; threads: number }
  /** Run these calls' forward passes from the flat trunk parameters. */
  | { type: 'forward'; id: number; parameters: Float32Array; calls: Array<{ key: number; call: TrunkCall }> }
  /** ∂L/∂F of each of the worker's pending calls; reply with the sum of their parameter gradients. */
  | { type: 'vjp'; id: number; calls: Array<{ key: number; dFeatures: Float32Array }> }
  /** Drop pending calls (the step failed elsewhere). */
  | { type: 'clear' };

export type FromTrunkWorker =
  | { type: 'ready' }
  /** `postedAt`: `sharedClock()` when posted, to measure how long main left the results waiting. */
  | { type: 'forwarded'; id: number; results: TrunkForward[]; postedAt: number }
  | { type: 'gradients'; id: number; values: Float32Array }
  | { type: 'error'; message: string };
