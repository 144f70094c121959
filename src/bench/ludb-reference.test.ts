import { describe, expect, it } from 'vitest';
import { globalBeats, type MarkedWave, referenceIntervals, wavesOfLead } from './ludb-reference.js';

const marks = (s: string): Array<{ sample: number; symbol: string }> =>
  s.split(' ').map((m) => ({ symbol: m[0]!, sample: Number(m.slice(1)) }));

describe('wavesOfLead', () => {
  it('reads ( p ) ( N ) ( t ) triplets and skips a peak whose brackets are missing', () => {
    const waves = wavesOfLead(marks('(10 p20 )30 (40 N50 )60 (70 t90 )110 N200 )210 (300 p310 )320'));
    expect(waves).toEqual([
      { kind: 'p', onset: 10, peak: 20, offset: 30 },
      { kind: 'N', onset: 40, peak: 50, offset: 60 },
      { kind: 't', onset: 70, peak: 90, offset: 110 },
      { kind: 'p', onset: 300, peak: 310, offset: 320 },
    ]);
  });
});

describe('globalBeats and referenceIntervals (CSE global convention)', () => {
  const w = (kind: MarkedWave['kind'], onset: number, peak: number, offset: number): MarkedWave => ({
    kind,
    onset,
    peak,
    offset,
  });
  // two leads, two beats at 500 Hz; lead B marks the second beat's P and T differently
  const leadA = [w('p', 100, 120, 140), w('N', 180, 200, 220), w('t', 300, 340, 380)];
  leadA.push(w('p', 500, 520, 540), w('N', 580, 600, 620), w('t', 700, 740, 780));
  const leadB = [w('p', 104, 120, 136), w('N', 176, 198, 226), w('t', 296, 340, 390)];
  leadB.push(w('N', 585, 601, 630), w('t', 700, 745, 770));

  it('takes the earliest onset and the latest offset over the leads, beat by beat', () => {
    const beats = globalBeats([leadA, leadB], 500);
    expect(beats).toEqual([
      { pOnset: 100, qrsOnset: 176, qrsOffset: 226, tOffset: 390, leads: 2 },
      { pOnset: 500, qrsOnset: 580, qrsOffset: 630, tOffset: 780, leads: 2 },
    ]);
  });

  it('gives PR, QRS and QT in ms as medians over the beats', () => {
    const ref = referenceIntervals(globalBeats([leadA, leadB], 500), 500);
    // PR: (176 − 100)·2 = 152 and (580 − 500)·2 = 160; QRS: 100 and 100; QT: 428 and 400
    expect(ref.pr_ms).toBe(156);
    expect(ref.qrs_ms).toBe(100);
    expect(ref.qt_ms).toBe(414);
  });

  it('has no PR when fewer than half of the beats have a marked P wave', () => {
    const noP = (lead: MarkedWave[]): MarkedWave[] => lead.filter((x) => x.kind !== 'p');
    const third = [w('p', 900, 920, 940), w('N', 980, 1000, 1020)];
    const ref = referenceIntervals(globalBeats([[...noP(leadA), ...third], noP(leadB)], 500, { minLeads: 1 }), 500);
    expect(ref.pr_ms).toBeNull();
    expect(ref.qrs_ms).not.toBeNull();
  });

  it('leaves out a beat marked on fewer than half of the leads', () => {
    const firstBeatOnly = leadB.slice(0, 3);
    const beats = globalBeats([leadA, leadB, firstBeatOnly, firstBeatOnly, firstBeatOnly], 500);
    // the second beat is marked on 2 of 5 leads
    expect(beats.map((b) => b.leads)).toEqual([5]);
  });
});
