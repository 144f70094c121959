import { describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv);
    return { code, stderr: err.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

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
});
