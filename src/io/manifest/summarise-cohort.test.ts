import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { readCohort } from './read-cohort.js';
import { summariseCohort } from './summarise-cohort.js';

describe('summariseCohort', () => {
  // The small fixture, counted by hand: p1 has two rows (nsr; svt+pac), p2 one (source:(BII), p3 one (afib).
  const s = summariseCohort(readCohort(join(REPO_ROOT, 'test/fixtures/manifest/small')));

  it('counts rows and distinct patients per class', () => {
    expect(s.rows).toBe(4);
    expect(s.patients).toBe(3);
    expect(s.classes).toEqual({
      afib: { rows: 1, patients: 1 },
      nsr: { rows: 1, patients: 1 },
      pac: { rows: 1, patients: 1 },
      'source:(BII': { rows: 1, patients: 1 },
      svt: { rows: 1, patients: 1 },
    });
  });

  it('counts rows per patient', () => {
    expect(s.perPatient).toEqual({ min: 1, median: 1, max: 2, rows: { p1: 2, p2: 1, p3: 1 } });
  });

  it('puts 10 days in the neonate band, 6 months in 6-12 mo, 17.5 y in 16-18 y and no age in unknown', () => {
    expect(s.ageBands).toEqual({
      neonate: 1,
      '1-3mo': 0,
      '3-6mo': 0,
      '6-12mo': 1,
      '1-3y': 0,
      '3-5y': 0,
      '5-8y': 0,
      '8-12y': 0,
      '12-16y': 0,
      '16-18y': 1,
      adult: 0,
      unknown: 1,
    });
  });

  it('counts sex and splits', () => {
    expect(s.sex).toEqual({ M: 2, F: 1, unknown: 1 });
    expect(s.splits).toEqual({ none: 1, test: 1, train: 2 });
    expect(s.windows).toBe(0);
  });
});
