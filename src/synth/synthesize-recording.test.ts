import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { PEDIATRIC_15_LEADS, STANDARD_12_LEADS } from './lead-projection.js';
import type { NoiseLevel } from './noise.js';
import { drawPatientPhysiology } from './patient-physiology.js';
import { synthesizeRecording, type RecordingConditions } from './synthesize-recording.js';

const patient = drawPatientPhysiology('nsr', 4, 'F', new Rng(1));
const conditions = (over: Partial<RecordingConditions> = {}): RecordingConditions => ({
  fs: 500,
  duration: 10,
  leads: STANDARD_12_LEADS,
  noise: 'medium',
  mainsHz: 50,
  ...over,
});

describe('synthesizeRecording', () => {
  it('is reproducible: the same seed gives the same samples', () => {
    const a = synthesizeRecording(patient, conditions(), new Rng(7));
    const b = synthesizeRecording(patient, conditions(), new Rng(7));
    a.ecg.signals.forEach((x, i) =>
      expect(Buffer.from(x.buffer).equals(Buffer.from(b.ecg.signals[i]!.buffer))).toBe(true),
    );
    const c = synthesizeRecording(patient, conditions(), new Rng(8));
    expect(c.ecg.signals[1]![1000]).not.toBe(a.ecg.signals[1]![1000]);
  });

  it('writes the requested sampling rate, length and lead set in physical mV', () => {
    for (const fs of [250, 500, 1000]) {
      const r = synthesizeRecording(patient, conditions({ fs, duration: 7.5, leads: PEDIATRIC_15_LEADS }), new Rng(2));
      expect(r.ecg.fs).toBe(fs);
      expect(r.ecg.leads).toEqual([...PEDIATRIC_15_LEADS]);
      expect(r.ecg.units.every((u) => u === 'mV')).toBe(true);
      r.ecg.signals.forEach((x) => expect(x.length).toBe(7.5 * fs));
    }
    const single = synthesizeRecording(patient, conditions({ leads: ['II'] }), new Rng(2));
    expect(single.ecg.leads).toEqual(['II']);
  });

  it('samples the same heart at 250 and 1000 Hz (only the sampling differs)', () => {
    const lo = synthesizeRecording(patient, conditions({ fs: 250, noise: 'none' }), new Rng(3));
    const hi = synthesizeRecording(patient, conditions({ fs: 1000, noise: 'none' }), new Rng(3));
    expect(lo.truth).toEqual(hi.truth);
    for (let i = 0; i < 2500; i += 97) expect(lo.ecg.signals[1]![i]).toBeCloseTo(hi.ecg.signals[1]![4 * i]!, 10);
  });

  it('adds more artefact power at higher noise levels, leaving the truth unchanged', () => {
    const clean = synthesizeRecording(patient, conditions({ noise: 'none' }), new Rng(4));
    const residual = (level: NoiseLevel): number => {
      const r = synthesizeRecording(patient, conditions({ noise: level }), new Rng(4));
      expect(r.truth).toEqual(clean.truth);
      let sum = 0;
      const x = r.ecg.signals[7]!;
      const y = clean.ecg.signals[7]!;
      for (let i = 0; i < x.length; i++) sum += (x[i]! - y[i]!) ** 2;
      return Math.sqrt(sum / x.length);
    };
    const [low, medium, high] = [residual('low'), residual('medium'), residual('high')];
    expect(low).toBeGreaterThan(0.005);
    expect(medium).toBeGreaterThan(low);
    expect(high).toBeGreaterThan(medium);
    expect(high).toBeLessThan(2);
  });
});
