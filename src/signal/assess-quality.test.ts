import { describe, expect, it } from 'vitest';
import { readEcg } from '../io/wfdb/record.js';
import { realPath } from '../test-utils/real-data.js';
import { Rng } from '../util/rng.js';
import { assessQuality } from './assess-quality.js';
import { CHILD_BEAT, gaussianEcg } from './test-utils/gaussian-ecg.js';

const fs = 500;
const clean = (): Float64Array =>
  gaussianEcg(CHILD_BEAT, { fs, hrBpm: 90, seconds: 20, noise: 0.01, seed: 2 }).ecg.signals[0]!;
const ecgOf = (...signals: Float64Array[]) => ({
  fs,
  leads: signals.map((_, i) => `L${i}`),
  signals,
  units: signals.map(() => 'mV'),
});

describe('assessQuality', () => {
  it('finds nothing wrong with a clean synthetic lead', () => {
    const q = assessQuality(ecgOf(clean()));
    expect(q.leads[0]!.flags).toEqual([]);
    expect(q.score).toBe(1);
    expect(q.usable).toBe(true);
  });
  it('calls a constant lead lead-off and a record of such leads unusable', () => {
    const q = assessQuality(ecgOf(new Float64Array(20 * fs).fill(0.3), new Float64Array(20 * fs)));
    expect(q.leads.map((l) => l.flags)).toEqual([['lead_off'], ['lead_off']]);
    expect(q.usable).toBe(false);
    expect(q.summary).toMatch(/^unusable/);
  });
  it('flags a two-second flat stretch', () => {
    const x = clean();
    x.fill(0, 5 * fs, 7 * fs);
    expect(assessQuality(ecgOf(x)).leads[0]!.flags).toContain('flat_line');
  });
  it('flags clipping at the amplifier rail', () => {
    const x = clean().map((v) => Math.min(v, 0.5));
    expect(assessQuality(ecgOf(x)).leads[0]!.flags).toContain('saturation');
  });
  it('flags strong high-frequency (muscle) noise', () => {
    const rng = new Rng(9);
    const x = clean().map((v) => v + rng.normal(0, 0.3));
    expect(assessQuality(ecgOf(x)).leads[0]!.flags).toContain('high_frequency_noise');
  });
  it('flags baseline wander larger than the QRS', () => {
    const x = clean().map((v, i) => v + 3 * Math.sin((2 * Math.PI * 0.2 * i) / fs));
    expect(assessQuality(ecgOf(x)).leads[0]!.flags).toEqual(['baseline_wander']);
  });
  it('converts µV leads before judging amplitudes', () => {
    const q = assessQuality({ fs, leads: ['II'], signals: [clean().map((v) => v * 1000)], units: ['uV'] });
    expect(q.leads[0]!.metrics.qrs_amplitude_mv).toBeGreaterThan(1);
    expect(q.leads[0]!.flags).toEqual([]);
  });
  it('rates MIT-BIH record 100 as good on both leads', () => {
    const q = assessQuality(readEcg(realPath('wfdb-python-sample/100.hea')!.slice(0, -4), { to: 360 * 120 }));
    expect(q.leads.map((l) => l.flags)).toEqual([[], []]);
    expect(q.usable).toBe(true);
  });
  it('rejects fs = 0', () => expect(() => assessQuality({ ...ecgOf(clean()), fs: 0 })).toThrow(/sampling rate/));
});
