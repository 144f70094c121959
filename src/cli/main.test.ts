import { describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

describe('the fewbeat CLI', () => {
  it('prints its version and exits 0', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['--version'])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      out.mockRestore();
    }
  });

  it('exits 2 on an unknown command', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['no-such-command'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
