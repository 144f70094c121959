import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema } from '../models/config.js';
import { initBackend } from '../runtime/backend.js';
import { BenchWorkload, benchConfig } from './model.js';
import { formatStepProfile, profileTrainStep } from './profile-step.js';

describe('profileTrainStep', () => {
  // The bench network on 100-sample ECGs: same layers and kernels, a fraction of the time.
  const small = modelConfigSchema.parse({ ...benchConfig(), ecg: { ...benchConfig().ecg, samples: 100 } });
  const convLayers = 1 + 3 * small.ecg.blocks.length; // stem + (conv1, conv2, shortcut) per block

  it('splits the step into forward, backward and update by where each kernel ran', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(3, small);
    const profile = await profileTrainStep(workload, { runs: 1, warmup: 1 });
    const variables = workload.model.trainableVariables().length;
    workload.dispose();
    const calls = (phase: string, kernel: string): number =>
      profile.rows.filter((r) => r.phase === phase && r.kernel === kernel).reduce((a, r) => a + r.calls, 0);
    const encoderPasses = calls('forward', 'Conv2D') / convLayers; // one per ECG view
    expect(encoderPasses).toBeGreaterThanOrEqual(1);
    expect(Number.isInteger(encoderPasses)).toBe(true);
    // every conv has a filter gradient; all but the stem (whose input is data) an input gradient
    expect(calls('backward', 'Conv2D')).toBe(encoderPasses * (2 * convLayers - 1));
    expect(calls('update', 'Conv2D')).toBe(0);
    expect(calls('update', 'Sqrt')).toBe(variables); // Adam: one √v̂ per variable
    // each conv's BatchNorm takes two per-channel means forward (μ, σ²) and two backward, as average pools
    expect(calls('forward', 'AvgPool')).toBe(encoderPasses * 2 * convLayers);
    expect(calls('backward', 'AvgPool')).toBe(encoderPasses * 2 * convLayers);
    const kernelMs = Object.values(profile.phase_ms).reduce((a, b) => a + b, 0);
    expect(kernelMs).toBeGreaterThan(0);
    expect(kernelMs).toBeLessThanOrEqual(profile.step_ms);
    expect(formatStepProfile(profile)).toMatch(/forward[\s\S]*Conv2D[\s\S]*backward[\s\S]*update/);
  });

  it('leaks no tensors across profiled steps', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(4, small);
    await profileTrainStep(workload, { runs: 1, warmup: 1 });
    const before = tf.memory().numTensors;
    await profileTrainStep(workload, { runs: 2, warmup: 0, byShape: true });
    expect(tf.memory().numTensors).toBe(before);
    workload.dispose();
  });
});
