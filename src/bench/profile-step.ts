/**
 * Where one bench train step spends its time, per tfjs kernel and per phase.
 *
 * `tf.profile` records every kernel the engine dispatches with its wall-clock time (the wasm
 * backend times each kernel synchronously). The profiled step is the bench train step — the
 * gradients of `BenchWorkload.loss` by `tf.variableGrads`, then an Adam update — with one
 * zero-cost marker kernel on the loss, so that the kernel list splits into phases by position:
 *
 *     forward  = kernels before the marker's forward record
 *     backward = kernels up to the marker's gradient record (which runs first in backprop) and
 *                from there to the end of `tf.variableGrads`
 *     update   = the Adam update's kernels
 *
 * Only registered kernels of the active backend are counted: `tf.customGrad` ops appear in the
 * profile as "unnamed scope" records whose time already includes their inner kernels.
 * Per kernel name and phase it reports calls and the median (over `runs` profiled steps) of the
 * summed milliseconds; `untimed_ms` is the step's wall time minus all kernel time, i.e. the
 * JavaScript around the kernels (tape bookkeeping, tidy scopes, shape checks).
 *
 *     npm run build && node dist/bench/profile-step.js [--runs 5] [--by-shape] [--json]
 *     npm run bench:profile
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { initBackend } from '../runtime/backend.js';
import { BenchWorkload } from './model.js';
import { median } from './timing.js';

/** The three phases of a train step. */
export type StepPhase = 'forward' | 'backward' | 'update';
const PHASES: readonly StepPhase[] = ['forward', 'backward', 'update'];

/** Time of one kernel name within one phase. */
export interface KernelRow {
  kernel: string;
  phase: StepPhase;
  /** Calls per step. */
  calls: number;
  /** Median over the profiled steps of the summed kernel time, ms. */
  ms: number;
}

/** What {@link profileTrainStep} measures. */
export interface StepProfile {
  /** Median wall time of a profiled step, ms (profiling adds a little per kernel). */
  step_ms: number;
  /** Median summed kernel time per phase, ms. */
  phase_ms: Record<StepPhase, number>;
  /** Median of step time minus kernel time: JavaScript outside the kernels, ms. */
  untimed_ms: number;
  kernels_per_step: number;
  rows: KernelRow[];
}

interface ProfiledKernel {
  name: string;
  /** Input shapes, e.g. "[150,1,500,32] [1,5,32,64]". */
  shapes: string;
  ms: number;
}

async function kernelsOf(f: () => tf.TensorContainer): Promise<{ kernels: ProfiledKernel[]; wallMs: number }> {
  const t0 = performance.now();
  const info = await tf.profile(f);
  const wallMs = performance.now() - t0;
  const kernels = await Promise.all(
    info.kernels.map(async (k) => ({
      name: k.name,
      shapes: k.inputShapes.map((sh) => `[${sh?.join(',') ?? ''}]`).join(' '),
      ms: (await k.kernelTimeMs) as number,
    })),
  );
  return { kernels, wallMs };
}

/** Name of the marker kernel that separates the forward pass from the backward pass. */
const PHASE_MARKER = 'FewbeatProfilePhaseMarker';

/**
 * y = x as a registered kernel (sharing x's data, no copy) whose gradient is the same kernel on
 * dy, so that both passes leave a named record in the profile.
 */
function phaseMarker(x: tf.Scalar): tf.Scalar {
  const backendName = tf.getBackend();
  if (!tf.getKernel(PHASE_MARKER, backendName)) {
    tf.registerKernel({
      kernelName: PHASE_MARKER,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const input = inputs['x']!;
        (backend as unknown as { incRef(id: tf.DataId): void }).incRef(input.dataId);
        return { dataId: input.dataId, shape: input.shape, dtype: input.dtype };
      },
    });
  }
  if (!tf.getGradient(PHASE_MARKER)) {
    tf.registerGradient({
      kernelName: PHASE_MARKER,
      gradFunc: (dy) => ({ x: () => tf.engine().runKernel(PHASE_MARKER, { x: dy as tf.Tensor }) as tf.Tensor }),
    });
  }
  return tf.engine().runKernel(PHASE_MARKER, { x }) as tf.Scalar;
}

/**
 * One bench train step (as `BenchWorkload.trainStep`) with the phase marker on the loss;
 * `afterGradients` runs between the gradients and the Adam update.
 */
function markedTrainStep(workload: BenchWorkload, optimizer: tf.Optimizer, afterGradients?: () => void): void {
  const { value, grads } = tf.variableGrads(() => phaseMarker(workload.loss()), workload.model.trainableVariables());
  afterGradients?.();
  optimizer.applyGradients(grads);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

/**
 * Profile `runs` bench train steps after `warmup` unprofiled ones (see the module comment);
 * with `byShape`, each kernel name is split by the shapes of its inputs.
 * The steps update the workload's weights like any train step.
 */
export async function profileTrainStep(
  workload: BenchWorkload,
  opts: { runs: number; warmup: number; byShape?: boolean },
): Promise<StepProfile> {
  const backendName = tf.getBackend();
  const optimizer = tf.train.adam(1e-3);
  for (let i = 0; i < opts.warmup; i++) markedTrainStep(workload, optimizer);
  const perRun: Map<string, number>[] = [];
  const calls = new Map<string, number>();
  const stepMs: number[] = [];
  const untimed: number[] = [];
  const phaseMs: Record<StepPhase, number[]> = { forward: [], backward: [], update: [] };
  let kernelsPerStep = 0;
  try {
    for (let run = 0; run < opts.runs; run++) {
      let gradientsDone = 0;
      const { kernels, wallMs } = await kernelsOf(() => {
        markedTrainStep(workload, optimizer, () => (gradientsDone = tf.engine().state.activeProfile.kernels.length));
        return [];
      });
      const forwardEnd = kernels.findIndex((k) => k.name === PHASE_MARKER);
      const sums = new Map<string, number>();
      const phaseSum: Record<StepPhase, number> = { forward: 0, backward: 0, update: 0 };
      kernelsPerStep = 0;
      kernels.forEach((k, i) => {
        if (k.name === PHASE_MARKER || !tf.getKernel(k.name, backendName)) return;
        const phase: StepPhase = i < forwardEnd ? 'forward' : i < gradientsDone ? 'backward' : 'update';
        const key = `${phase}\u0000${k.name}${opts.byShape ? ` ${k.shapes}` : ''}`;
        sums.set(key, (sums.get(key) ?? 0) + k.ms);
        if (run === 0) calls.set(key, (calls.get(key) ?? 0) + 1);
        phaseSum[phase] += k.ms;
        kernelsPerStep++;
      });
      perRun.push(sums);
      PHASES.forEach((p) => phaseMs[p].push(phaseSum[p]));
      stepMs.push(wallMs);
      untimed.push(wallMs - PHASES.reduce((a, p) => a + phaseSum[p], 0));
    }
  } finally {
    optimizer.dispose();
  }
  const rows = [...calls.keys()].map((key) => {
    const [phase, kernel] = key.split('\u0000') as [StepPhase, string];
    return { kernel, phase, calls: calls.get(key)!, ms: median(perRun.map((s) => s.get(key) ?? 0)) };
  });
  rows.sort((a, b) => b.ms - a.ms);
  return {
    step_ms: median(stepMs),
    phase_ms: { forward: median(phaseMs.forward), backward: median(phaseMs.backward), update: median(phaseMs.update) },
    untimed_ms: median(untimed),
    kernels_per_step: kernelsPerStep,
    rows,
  };
}

const fmt = (v: number): string => v.toFixed(1).padStart(8);

/** The profile as a plain-text table: per phase, kernels by time, with their share of the step. */
export function formatStepProfile(p: StepProfile): string {
  const width = Math.max(26, ...p.rows.map((r) => r.kernel.length));
  const lines = [
    `profiled train step ${fmt(p.step_ms)} ms (median), ` +
      `${p.kernels_per_step} kernels; JS outside kernels ` +
      `${fmt(p.untimed_ms)} ms`,
  ];
  for (const phase of PHASES) {
    lines.push('', `${phase.padEnd(width + 2)} ${fmt(p.phase_ms[phase])} ms   calls   share of step`);
    for (const r of p.rows.filter((row) => row.phase === phase && row.ms >= 0.05)) {
      lines.push(
        `  ${r.kernel.padEnd(width)} ${fmt(r.ms)} ms ${String(r.calls).padStart(7)} ${fmt((100 * r.ms) / p.step_ms)} %`,
      );
    }
  }
  const byKernel = new Map<string, number>();
  p.rows.forEach((r) => byKernel.set(r.kernel, (byKernel.get(r.kernel) ?? 0) + r.ms));
  lines.push('', 'all phases');
  [...byKernel.entries()]
    .sort((a, b) => b[1] - a[1])
    .filter(([, ms]) => ms >= 0.05)
    .forEach(([k, ms]) =>
      lines.push(`  ${k.padEnd(width)} ${fmt(ms)} ms ${''.padStart(7)} ${fmt((100 * ms) / p.step_ms)} %`),
    );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a positive integer, got ${args[runsAt + 1]}`);
  await initBackend('wasm');
  const workload = new BenchWorkload(0);
  try {
    const profile = await profileTrainStep(workload, { runs, warmup: 2, byShape: args.includes('--by-shape') });
    process.stdout.write(
      `${args.includes('--json') ? JSON.stringify(profile, null, 2) : formatStepProfile(profile)}\n`,
    );
  } finally {
    workload.dispose();
  }
}
