import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { readEcg } from '../../io/wfdb/record.js';
import { SHARED_REAL, hasSharedReal } from '../../test-utils/real-data.js';
import { fillInvalidSamples } from '../fill-invalid-samples.js';
import { resampleTo } from '../filters/resample-to.js';
import { detectQrs } from './detect-qrs.js';
import { detectQrsMultiLead } from './detect-qrs-multi-lead.js';
import { type BeatMatch, beatReference, matchBeats, sePlusP } from './ec57.js';

/** The first 10 minutes of every shared MIT-BIH record (the x_ records are 10 minutes long). */
const TEN_MINUTES = 360 * 600;

function mitdbRecords(): string[] {
  const dir = join(SHARED_REAL, 'mitdb');
  const atr = (d: string): string[] =>
    readdirSync(d)
      .filter((f) => f.endsWith('.atr'))
      .map((f) => join(d, f.slice(0, -4)));
  return [...atr(dir), ...atr(join(dir, 'x_mitdb'))];
}

const add = (a: BeatMatch, b: BeatMatch): BeatMatch => ({ tp: a.tp + b.tp, fn: a.fn + b.fn, fp: a.fp + b.fp });

describe.skipIf(!hasSharedReal)(
  'detectQrs on one lead of the shared MIT-BIH records (EC57 against the cardiologists)',
  () => {
    const records = mitdbRecords().map((path) => ({
      path,
      ecg: readEcg(path, { from: 0, to: TEN_MINUTES }),
      ann: readAnnotations(path, 'atr').annotations.filter((a) => a.sample < TEN_MINUTES),
    }));

    /** Gross EC57 counts of the single-lead detector on channel `lead`, optionally inverted and resampled. */
    function gross(lead: number, sign: 1 | -1, fs: number): BeatMatch {
      let total: BeatMatch = { tp: 0, fn: 0, fp: 0 };
      for (const { path, ecg, ann } of records) {
        const raw = fillInvalidSamples(ecg.signals[lead]!, path).map((v) => sign * v);
        const x = fs === ecg.fs ? raw : resampleTo(raw, ecg.fs, fs);
        const k = fs / ecg.fs;
        const ref = beatReference(
          ann.map((a) => ({ sample: Math.round(a.sample * k), symbol: a.symbol })),
          x.length,
        );
        total = add(total, matchBeats(ref.beats, detectQrs(x, fs), fs, { excluded: ref.excluded }));
      }
      return total;
    }

    it('finds 99 % of the beats on MLII alone at 360 Hz and at a wearable 300 Hz, upright or inverted', () => {
      for (const fs of [360, 300]) {
        const upright = gross(0, 1, fs);
        const inverted = gross(0, -1, fs);
        expect(sePlusP(upright).se).toBeGreaterThan(99);
        expect(sePlusP(upright).ppv).toBeGreaterThan(98.5);
        // inverting the lead loses no beat and adds no false one
        expect(Math.abs(inverted.tp - upright.tp)).toBeLessThanOrEqual(2);
        expect(Math.abs(inverted.fp - upright.fp)).toBeLessThanOrEqual(2);
      }
    });

    it('finds 95 % of the beats on the second lead (V1 mostly) alone, upright or inverted', () => {
      const upright = gross(1, 1, 360);
      const inverted = gross(1, -1, 360);
      expect(sePlusP(upright).se).toBeGreaterThan(95);
      expect(sePlusP(upright).ppv).toBeGreaterThan(95);
      expect(Math.abs(inverted.tp - upright.tp)).toBeLessThanOrEqual(2);
    });
  },
);

describe.skipIf(!hasSharedReal)('detectQrs on lead I of the shared Challenge 2020 records resampled to 300 Hz', () => {
  it('agrees with the 12-lead detector at 500 Hz on 99 % of its beats, upright or inverted', () => {
    const dir = join(SHARED_REAL, 'challenge2020');
    let upright: BeatMatch = { tp: 0, fn: 0, fp: 0 };
    let inverted: BeatMatch = { tp: 0, fn: 0, fp: 0 };
    for (const f of readdirSync(dir).filter((name) => name.endsWith('.hea'))) {
      const ecg = readEcg(join(dir, f.slice(0, -4)));
      const ref = Array.from(detectQrsMultiLead(ecg.signals, ecg.fs), (s) => Math.round((s * 300) / ecg.fs));
      const leadI = resampleTo(ecg.signals[0]!, ecg.fs, 300);
      upright = add(upright, matchBeats(ref, detectQrs(leadI, 300), 300));
      inverted = add(
        inverted,
        matchBeats(
          ref,
          detectQrs(
            leadI.map((v) => -v),
            300,
          ),
          300,
        ),
      );
    }
    expect(sePlusP(upright).se).toBeGreaterThan(99);
    expect(sePlusP(upright).ppv).toBeGreaterThan(95);
    expect(inverted).toEqual(upright);
  });
});
