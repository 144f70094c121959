import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Ecg } from '../io/ecg.js';
import { loadEcg } from '../io/load-ecg.js';
import type { Cohort } from '../io/manifest/cohort.js';
import { FIXTURE_REAL } from '../test-utils/real-data.js';
import { loadDataset } from './dataset.js';
import { poolOnLeadSet, restrictToLeadSet, VALIDATION_LEAD_SETS } from './lead-sets.js';
import { measureRecording } from './measurements.js';
import type { PreprocessSpec } from './preprocess.js';

const TWELVE = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const set = (name: string) => VALIDATION_LEAD_SETS.find((s) => s.name.startsWith(name))!;

function ecgWith(leads: string[]): Ecg {
  return {
    fs: 100,
    leads,
    signals: leads.map((_, i) => new Float64Array(10).fill(i)),
    units: leads.map(() => 'mV'),
    source: 'r1.hea',
  };
}

describe('restrictToLeadSet', () => {
  it("keeps the set's leads in the recording's own order and drops the others", () => {
    const limb = restrictToLeadSet(ecgWith([...TWELVE].reverse()), set('limb'));
    expect(limb.leads).toEqual(['aVF', 'aVL', 'aVR', 'III', 'II', 'I']);
    expect(limb.signals.map((x) => x[0])).toEqual([6, 7, 8, 9, 10, 11]);
    expect(limb.units).toHaveLength(6);
  });

  it("recognises a lead by the registry's spellings (MIT-BIH's MLII is lead II)", () => {
    const holter = restrictToLeadSet(ecgWith(['MLII', 'V1']), set('2-lead'));
    expect(holter.leads).toEqual(['MLII', 'V1']);
    expect(restrictToLeadSet(ecgWith(['MLII', 'V1']), set('single lead II')).leads).toEqual(['MLII']);
  });

  it('returns the recording unchanged for every recorded lead', () => {
    const ecg = ecgWith(['V1']);
    expect(restrictToLeadSet(ecg, set('all'))).toBe(ecg);
  });

  it('refuses in one line, naming the recording, when it has none of the leads', () => {
    expect(() => restrictToLeadSet(ecgWith(['V1', 'V5']), set('single lead I'))).toThrow(
      /^r1\.hea: the recording has none of the leads of the single lead I set \(it has V1, V5\)$/,
    );
  });
});

describe('poolOnLeadSet', () => {
  // Three real 12-lead recordings (PhysioNet/CinC Challenge 2020, 500 Hz) as a cohort.
  const records = ['E00009', 'E00015', 'E00018'];
  const cohort: Cohort = {
    dir: join(FIXTURE_REAL, 'challenge2020'),
    schema: { version: 1, fields: [] },
    rows: records.map((r, i) => ({
      line: i + 2,
      record: r,
      recordPath: join(FIXTURE_REAL, 'challenge2020', r),
      patientId: r,
      labels: ['x'],
      ageYears: 9,
      sex: 'F',
      split: null,
      window: null,
      clinical: {},
    })),
  };
  const spec: PreprocessSpec = { fs: 100, samples: 1000, leads: TWELVE, bandpassHz: [0.5, 40], filterOrder: 2 };
  const dataset = loadDataset(cohort, spec);
  const pool = dataset.examples.slice(1);

  it('reads each recording again with the leads of the set only, masking the others', () => {
    const single = poolOnLeadSet(dataset, pool, set('single lead II'));
    expect(single.map((e) => [e.index, e.record])).toEqual(pool.map((e) => [e.index, e.record]));
    for (const e of single) expect(Array.from(e.mask)).toEqual(TWELVE.map((l) => (l === 'II' ? 1 : 0)));
    const limb = poolOnLeadSet(dataset, pool, set('limb'));
    for (const e of limb) expect(Array.from(e.mask)).toEqual(TWELVE.map((_, i) => (i < 6 ? 1 : 0)));
    // lead II's samples are those of the 12-lead reading; the absent leads are zero
    const II = TWELVE.indexOf('II');
    const full = pool[0]!.signal;
    const one = single[0]!.signal;
    for (let t = 0; t < spec.samples; t += 97) {
      expect(one[t * 12 + II]).toBeCloseTo(full[t * 12 + II]!, 5);
      expect(one[t * 12 + TWELVE.indexOf('V2')]).toBe(0);
    }
  });

  it('measures each recording from the leads of the set alone', () => {
    const single = poolOnLeadSet(dataset, pool, set('single lead I'));
    single.forEach((e, i) => {
      const read = loadEcg(cohort.rows[i + 1]!.recordPath);
      const leadI = { ...read, leads: ['I'], signals: [read.signals[0]!], units: [read.units[0]!] };
      expect(e.measurements).toEqual(measureRecording(leadI, { ageYears: 9, sex: 'F' }));
      expect(e.measurements).not.toEqual(pool[i]!.measurements);
    });
  });

  it("gives a recording with none of the set's leads no lead at all (a Holter record on lead I)", () => {
    const holter: Cohort = {
      dir: join(FIXTURE_REAL, 'mitdb'),
      schema: { version: 1, fields: [] },
      rows: [
        {
          ...cohort.rows[0]!,
          record: '200',
          recordPath: join(FIXTURE_REAL, 'mitdb', '200'),
          window: { startS: 0, endS: 10 },
        },
      ],
    };
    const d = loadDataset(holter, spec);
    const [none] = poolOnLeadSet(d, d.examples, set('single lead I'));
    expect(Array.from(none!.mask)).toEqual(TWELVE.map(() => 0));
    expect(none!.signal.every((x) => x === 0)).toBe(true);
    expect(none!.measurements).toBeUndefined();
    const [ii] = poolOnLeadSet(d, d.examples, set('single lead II'));
    expect(Array.from(ii!.mask)).toEqual(TWELVE.map((l) => (l === 'II' ? 1 : 0)));
  });

  it('gives the pool itself for every recorded lead', () => {
    expect(poolOnLeadSet(dataset, pool, set('all'))).toEqual(pool);
  });
});
