import { describe, expect, it, vi } from 'vitest';
import { trainingProgressBar } from './progress-bar.js';
import type { StepRecord, TrainerState } from './trainer.js';

describe('the training progress display', () => {
  it('prints a plain line every 5 % of the episodes when stderr is not a terminal', () => {
    const lines: string[] = [];
    const tty = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      lines.push(String(s));
      return true;
    });
    try {
      const bar = trainingProgressBar(40, 'full model');
      const state = { best: { episode: 0, accuracy: Number.NEGATIVE_INFINITY } } as TrainerState;
      for (let e = 1; e <= 40; e++) {
        bar.update(
          {
            episode: e,
            loss: 1 / e,
            contrastive: 0.5,
            class: 0.25,
            consistency: 0.125,
            learningRate: 1e-3,
          } as StepRecord,
          state,
        );
      }
      bar.stop();
    } finally {
      err.mockRestore();
      Object.defineProperty(process.stderr, 'isTTY', { value: tty, configurable: true });
    }
    expect(lines).toHaveLength(20);
    expect(lines[19]).toMatch(
      /^full model 40\/40 \| loss 0\.025 \(con 0\.500 cls 0\.250 cns 0\.125\) \| [\d.]+ ep\/s \| ETA 0 s \| val -\n$/,
    );
  });
});
