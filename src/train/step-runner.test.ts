import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FewbeatModel } from '../models/model.js';
import { loadPreset } from '../models/presets.js';
import { initBackend } from '../runtime/backend.js';
import { OnnxTrunkRunner } from './onnx-trunk/onnx-trunk-runner.js';
import { InProcessRunner } from './parallel/forward-step.js';
import { WorkerPool } from './parallel/worker-pool.js';
import { createStepRunner } from './step-runner.js';

const tiny = () =>
  loadPreset('bench', {
    ecg: { samples: 64, leads: 2, stemChannels: 4, blocks: [{ out: 4, stride: 2, kernel: 3 }], embedDim: 8 },
    clinical: { inputDim: 24, hidden: [4], embedDim: 8 },
  });

describe('the step runner a training configuration asks for', () => {
  const models: FewbeatModel[] = [];
  const model = (): FewbeatModel => {
    const m = new FewbeatModel(tiny(), 0);
    models.push(m);
    return m;
  };
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    for (const m of models) m.dispose();
  });

  it('is the ONNX Runtime trunk for the onnx engine, on workers or in this thread', async () => {
    for (const workers of [0, 2]) {
      const runner = await createStepRunner(model(), { engine: 'onnx', workers });
      expect(runner).toBeInstanceOf(OnnxTrunkRunner);
      expect(runner.workers).toBe(workers);
      await runner.dispose();
    }
  });

  it('is a tfjs worker pool or the in-process step for the tfjs engine', async () => {
    const pool = await createStepRunner(model(), { engine: 'tfjs', workers: 1 });
    expect(pool).toBeInstanceOf(WorkerPool);
    await pool.dispose();
    expect(await createStepRunner(model(), { engine: 'tfjs', workers: 0 })).toBeInstanceOf(InProcessRunner);
  });
});
