import { describe, expect, it } from 'vitest';
import { CLASS_IDS } from './classes.js';
import { generateCohort } from './cohort.js';
import { STANDARD_12_LEADS } from './lead-projection.js';
import { ValidationCollector, validationReport } from './validation-report.js';

describe('validationReport', () => {
  const collector = new ValidationCollector();
  const recordings = [
    ...generateCohort({
      patients: 38,
      seed: 2,
      fs: 250,
      duration: 8,
      leads: STANDARD_12_LEADS,
      classes: CLASS_IDS,
      noise: 'low',
    }),
  ];
  for (const r of recordings) collector.add(r);
  const report = validationReport(
    collector,
    [{ name: 'real: same as synthetic', summaries: collector.summaries.map((s) => s.summary) }],
    40,
  );

  it('measures every recording and reports each section', () => {
    expect(collector.measured.length + collector.unmeasurable).toBe(recordings.length);
    for (const heading of ['Measured vs target per age band', 'Mechanism checks', 'clinical context alone', 'Realism'])
      expect(report).toContain(heading);
    expect(report).toMatch(/\| real: same as synthetic \| \d+ \|/);
  });

  it('summarises the measured agreement in rows per age band with target → measured', () => {
    expect(report).toMatch(/\| (neonate \(< 28 d\)|\d+–\d+ (mo|y)) \| \d+ \| \d+ → \d+ \(\d+\)/);
  });
});
