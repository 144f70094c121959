import { describe, expect, it } from 'vitest';
import { twelveLeadSvg } from './ecg-svg.js';
import { STANDARD_12_LEADS } from './lead-projection.js';

describe('twelveLeadSvg', () => {
  const fs = 500;
  // Every lead carries a 1 mV step at 1 s: on paper it must rise 10 mm, 25 mm to the right of the start.
  const signals = STANDARD_12_LEADS.map(() => Float64Array.from({ length: 10 * fs }, (_, i) => (i >= fs ? 1 : 0)));
  const svg = twelveLeadSvg(
    { fs, leads: [...STANDARD_12_LEADS], signals, units: signals.map(() => 'mV') },
    'step <test>',
  );

  it('draws on the standard 25 mm/s, 10 mm/mV scale', () => {
    const rhythm = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)]
      .at(-1)![1]!
      .split(' ')
      .map((p) => p.split(',').map(Number));
    const [x0, y0] = rhythm[0]!;
    const step = rhythm.findIndex(([, y]) => y !== y0);
    expect(rhythm[step]![0]! - x0!).toBeCloseTo(25, 1);
    expect(y0! - rhythm[step]![1]!).toBeCloseTo(10, 1);
    expect(rhythm.at(-1)![0]! - x0!).toBeGreaterThan(249.8);
  });

  it('labels all 12 leads plus the rhythm strip and escapes the title', () => {
    for (const lead of STANDARD_12_LEADS) expect(svg).toContain(`>${lead}</text>`);
    expect(svg.match(/<polyline/g)).toHaveLength(13);
    expect(svg).toContain('step &lt;test&gt;');
  });
});
