import { describe, expect, it } from 'vitest';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { readEcg } from '../../io/wfdb/record.js';
import { realPath } from '../../test-utils/real-data.js';
import { resampleTo } from '../filters/resample-to.js';
import { detectQrsMultiLead } from './detect-qrs-multi-lead.js';
import { beatReference, matchBeats, sePlusP } from './ec57.js';

const record200 = realPath('mitdb/200.hea')!.replace(/\.hea$/, '');

describe('detectQrsMultiLead on MIT-BIH 200 (PVCs, bigeminy, VT runs, noise) at other sampling rates', () => {
  const ecg = readEcg(record200);
  const ann = readAnnotations(record200, 'atr');
  it.each([125, 1000])(
    'keeps EC57 Se above 98.5 %% and +P above 96 %% when resampled to %i Hz (360 Hz: 99.1 / 97.0)',
    (fs) => {
      const signals = ecg.signals.map((x) => resampleTo(x, ecg.fs, fs));
      const k = fs / ecg.fs;
      const ref = beatReference(
        ann.annotations.map((a) => ({ sample: Math.round(a.sample * k), symbol: a.symbol })),
        signals[0]!.length,
      );
      const { se, ppv } = sePlusP(
        matchBeats(ref.beats, detectQrsMultiLead(signals, fs), fs, { excluded: ref.excluded }),
      );
      expect(se).toBeGreaterThan(98.5);
      expect(ppv).toBeGreaterThan(96);
    },
  );
});
