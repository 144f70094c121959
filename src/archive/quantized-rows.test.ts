import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { CODE_ZERO_POINT, quantizeRows } from './quantized-rows.js';

describe('quantizeRows', () => {
  const D = 9;
  const rng = new Rng(11);
  const x = Float32Array.from({ length: 40 * D }, () => 3 * rng.normal());
  x.fill(0, 5 * D, 6 * D); // a zero row
  for (let d = 0; d < D; d++) x[7 * D + d] = 1e-20 * (d - 4); // a tiny one
  const q = quantizeRows(x, D);

  it('reconstructs every entry within half a step of its row, with the largest at ±127', () => {
    for (let i = 0; i < 40; i++) {
      const s = q.scale[i] as number;
      let extreme = 0;
      for (let d = 0; d < D; d++) {
        const code = (q.codes[i * D + d] as number) - CODE_ZERO_POINT;
        expect(Math.abs((x[i * D + d] as number) - s * code)).toBeLessThanOrEqual(s / 2 + 1e-30);
        extreme = Math.max(extreme, Math.abs(code));
      }
      expect(extreme).toBe(i === 5 ? 0 : 127);
    }
  });

  it("keeps each row's norm and the norm of what the codes miss", () => {
    for (let i = 0; i < 40; i++) {
      const row = x.subarray(i * D, (i + 1) * D);
      const s = q.scale[i] as number;
      const missed = row.map((v, d) => v - s * ((q.codes[i * D + d] as number) - CODE_ZERO_POINT));
      expect(q.norm[i]).toBeCloseTo(Math.hypot(...row), 5);
      expect(q.residual[i] as number).toBeCloseTo(Math.hypot(...missed), 7);
      expect(q.residual[i] as number).toBeLessThanOrEqual((s / 2) * Math.sqrt(D) * (1 + 1e-6));
    }
  });

  it('stores a zero row as the zero point with scale 0', () => {
    expect(q.scale[5]).toBe(0);
    expect([...q.codes.subarray(5 * D, 6 * D)]).toEqual(Array(D).fill(CODE_ZERO_POINT));
    expect(q.residual[5]).toBe(0);
  });
});
