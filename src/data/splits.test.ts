import { describe, expect, it } from 'vitest';
import { splitPatients, type SplitItem } from './splits.js';

function items(): SplitItem[] {
  const out: SplitItem[] = [];
  for (let p = 0; p < 40; p++) for (let r = 0; r < 3; r++) out.push({ patientId: `n${p}`, label: 'nsr' });
  for (let p = 0; p < 20; p++) out.push({ patientId: `s${p}`, label: 'svt' });
  for (let p = 0; p < 10; p++) out.push({ patientId: `w${p}`, label: 'wpw' });
  // A child with a base and a novel recording.
  out.push({ patientId: 'mixed', label: 'nsr' }, { patientId: 'mixed', label: 'wpw' });
  out.push({ patientId: 'other', label: 'brugada' });
  return out;
}

describe('splitPatients', () => {
  const all = items();
  const split = splitPatients(all, { base: ['nsr', 'svt'], novel: ['wpw'], seed: 1 });

  it('keeps every patient in exactly one split', () => {
    const of = new Map<string, Set<string | null>>();
    all.forEach((it, i) => of.set(it.patientId, (of.get(it.patientId) ?? new Set()).add(split[i] ?? null)));
    for (const [patient, splits] of of) if (patient !== 'other') expect(splits.size).toBe(1);
  });

  it('sends every child with a novel-class recording, and all their recordings, to novel', () => {
    all.forEach((it, i) => {
      if (it.patientId === 'mixed' || it.label === 'wpw') expect(split[i]).toBe('novel');
    });
  });

  it('stratifies base patients so that each base class reaches train, val and test in proportion', () => {
    const svt = all
      .map((it, i) => [it, split[i]] as const)
      .filter(([it]) => it.label === 'svt')
      .map(([, s]) => s);
    expect(svt.filter((s) => s === 'val')).toHaveLength(3);
    expect(svt.filter((s) => s === 'test')).toHaveLength(3);
    expect(svt.filter((s) => s === 'train')).toHaveLength(14);
  });

  it('leaves classes in neither list out and is reproducible from the seed', () => {
    expect(split[all.length - 1]).toBeNull();
    expect(splitPatients(all, { base: ['nsr', 'svt'], novel: ['wpw'], seed: 1 })).toEqual(split);
    expect(splitPatients(all, { base: ['nsr', 'svt'], novel: ['wpw'], seed: 2 })).not.toEqual(split);
  });

  it('honours the manifest split column for base patients', () => {
    const declared = all.map((it) => (it.patientId === 'n0' ? { ...it, manifestSplit: 'Validation' } : it));
    const s = splitPatients(declared, { base: ['nsr', 'svt'], novel: ['wpw'], seed: 1 });
    declared.forEach((it, i) => {
      if (it.patientId === 'n0') expect(s[i]).toBe('val');
    });
  });

  it('refuses a class that is both base and novel', () => {
    expect(() => splitPatients(all, { base: ['nsr'], novel: ['nsr'], seed: 1 })).toThrow(
      'class nsr is both a base and a novel class',
    );
  });
});
