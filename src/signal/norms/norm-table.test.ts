import { describe, expect, it } from 'vitest';
import { defaultNormTable } from './default-norms.js';
import { normBandFor, normZScore, parseNormTable, Z98 } from './norm-table.js';

describe('norm tables', () => {
  const table = defaultNormTable();
  it('loads Rijnbeek 2001 with its nine age bands and source', () => {
    expect(table.name).toBe('Rijnbeek 2001');
    expect(table.source).toMatch(/Eur Heart J 2001;22\(8\):702/);
    expect(table.bands.map((b) => b.label)).toEqual([
      '0–1 mo',
      '1–3 mo',
      '3–6 mo',
      '6–12 mo',
      '1–3 y',
      '3–5 y',
      '5–8 y',
      '8–12 y',
      '12–16 y',
    ]);
  });
  it('finds the band of an age, as in the Rijnbeek 2001 table (girl of 7 months: HR 134, 106–187)', () => {
    expect(normBandFor(table, 7 / 12)?.F.hr).toEqual({ median: 134, p2: 106, p98: 187 });
    expect(normBandFor(table, 3)?.label).toBe('3–5 y');
    expect(normBandFor(table, 5 / 365.25)).toBeNull();
    expect(normBandFor(table, 16)).toBeNull();
  });
  it('puts the 2nd and 98th percentiles at z = ∓Φ⁻¹(0.98) with a separate spread on each side', () => {
    const cell = { median: 100, p2: 80, p98: 140 };
    expect(Z98).toBeCloseTo(2.053748910631823, 12);
    expect(normZScore(140, cell)).toBeCloseTo(Z98, 12);
    expect(normZScore(80, cell)).toBeCloseTo(-Z98, 12);
    expect(normZScore(120, cell)).toBeCloseTo(Z98 / 2, 12);
    expect(normZScore(100, cell)).toBe(0);
  });
  it('rejects a table whose percentiles are out of order, naming the field', () => {
    const bad = {
      name: 'x',
      source: 'y',
      bands: [{ label: 'a', min_age_years: 0, max_age_years: 1, M: { pr: { median: 1, p2: 2, p98: 3 } }, F: {} }],
    };
    expect(() => parseNormTable(bad, 'bad.json')).toThrow(
      /^bad\.json: not a norm table: bands\.0\.M\.pr: needs p2 < median < p98$/,
    );
  });
});
