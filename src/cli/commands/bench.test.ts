import { describe, expect, it } from 'vitest';
import { runCli as run } from '../../test-utils/run-cli.js';

describe('fewbeat bench', () => {
  it('rejects an unknown backend with a usage error', async () => {
    const { code, stderr } = await run(['bench', '--backend', 'webgl']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--backend: expected wasm or cpu, got 'webgl'/);
  });

  it('rejects zero timed runs with a usage error', async () => {
    const { code, stderr } = await run(['bench', '--runs', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--runs: expected an integer in \[1, 1000\]/);
  });

  it('rejects a negative worker count with a usage error', async () => {
    const { code, stderr } = await run(['bench', '--workers', '-1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--workers: expected an integer in \[0, 16\]/);
  });

  it('rejects an unknown training engine with a usage error', async () => {
    const { code, stderr } = await run(['bench', '--engine', 'torch']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--engine: expected onnx or tfjs, got 'torch'/);
  });
});
