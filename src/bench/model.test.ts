import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { modelConfigSchema } from '../models/config.js';
import { initBackend } from '../runtime/backend.js';
import { BENCH_SHAPE, BenchWorkload, benchConfig, runBench, runTrainingMemory, timeRuns } from './model.js';

describe('the bench workload', () => {
  it('builds the bench model with 424,577 trainable parameters', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(0);
    expect(workload.params()).toBe(424_577);
    workload.dispose();
  });

  // The full-size step takes seconds; the same code on 100-sample ECGs checks the mechanics.
  const small = modelConfigSchema.parse({ ...benchConfig(), ecg: { ...benchConfig().ecg, samples: 100 } });

  it('lowers the loss with Adam steps and leaks no tensor across steps and inference', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(1, small);
    const first = workload.trainStep();
    workload.infer();
    const tensors = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 4; i++) last = workload.trainStep();
    expect(workload.infer()).toBe(BENCH_SHAPE.inferenceBatch);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Number.isFinite(first)).toBe(true);
    expect(last).toBeLessThan(first);
    workload.dispose();
  });

  it('reports medians of the timed runs in the keys fewbeat bench prints', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(2, small);
    const result = await runBench(workload, { runs: 2, warmup: 1, backend: 'wasm', onnxThreads: [1], workers: 1 });
    workload.dispose();
    expect(Object.keys(result).sort()).toEqual([
      'backend',
      'infer_ecg_per_cpu_s_by_path',
      'infer_ecg_per_s',
      'infer_ecg_per_s_by_path',
      'infer_path',
      'params',
      'peak_rss_mb',
      'runs',
      'train_engine',
      'train_step_cpu_ms_median',
      'train_step_in_process_cpu_ms_median',
      'train_step_in_process_ms_median',
      'train_step_ms_by_runner',
      'train_step_ms_median',
      'train_workers',
    ]);
    expect(result.train_workers).toBe(1);
    expect(result.train_engine).toBe('onnx');
    expect(Object.keys(result.train_step_ms_by_runner)).toEqual([
      'tfjs in process',
      'tfjs 1 workers',
      'onnx 1 workers',
    ]);
    expect(result.train_step_ms_median).toBe(result.train_step_ms_by_runner['onnx 1 workers']!.wall);
    expect(result.train_step_in_process_ms_median).toBeGreaterThan(0);
    expect(Object.keys(result.infer_ecg_per_s_by_path)).toEqual(['tfjs-wasm', 'onnxruntime-1t']);
    expect(result.infer_ecg_per_s).toBe(Math.max(...Object.values(result.infer_ecg_per_s_by_path)));
    expect(result.train_step_ms_median).toBeGreaterThan(0);
    expect(result.infer_ecg_per_s).toBeGreaterThan(0);
    expect(result.peak_rss_mb).toBeGreaterThan(10);
  });

  it('records peak RSS and flat tensor counts, main thread and workers, over a tfjs training run', async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(3, small);
    const memory = await runTrainingMemory(workload, 4, 1, 'tfjs', 1);
    workload.dispose();
    expect(memory.rss_mb).toHaveLength(3);
    expect(memory.peak_rss_mb).toBeGreaterThanOrEqual(Math.max(...memory.rss_mb) - 1);
    expect(memory.main_tensors[1]).toBe(memory.main_tensors[0]);
    expect(memory.worker_tensors).toHaveLength(1);
    expect(memory.worker_tensors[0]![1]).toBe(memory.worker_tensors[0]![0]);
  });

  it("keeps the main thread's tensor count flat over an ONNX-engine training run", async () => {
    await initBackend('wasm');
    const workload = new BenchWorkload(3, small);
    const memory = await runTrainingMemory(workload, 4, 1, 'onnx', 1);
    workload.dispose();
    expect(memory.engine).toBe('onnx');
    expect(memory.rss_mb).toHaveLength(3);
    expect(memory.main_tensors[1]).toBe(memory.main_tensors[0]);
  });

  it('times each run after the warm-up', async () => {
    let calls = 0;
    const times = await timeRuns(() => calls++, 3, 2);
    expect(calls).toBe(5);
    expect(times.wall).toHaveLength(3);
    expect(times.cpu).toHaveLength(3);
  });
});
