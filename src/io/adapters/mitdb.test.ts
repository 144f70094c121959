import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_REAL, SHARED_REAL, hasSharedReal } from '../../test-utils/real-data.js';
import { readAnnotations } from '../wfdb/annotations.js';
import { readHeader } from '../wfdb/header.js';
import { episodeWindows, importMitdb } from './mitdb.js';

const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-mitdb-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * Encode annotations in the MIT format by hand (WFDB annot(5)): word = code << 10 | interval,
 * SKIP (59) + 32-bit interval (high word first) for long gaps, SUB (61) for the subtype, AUX (63)
 * + bytes padded to even for the rhythm string, 0 to end.
 */
function mitAnnotations(items: Array<{ sample: number; code: number; aux?: string; sub?: number }>): Buffer {
  const words: number[] = [];
  const bytes: number[] = [];
  const word = (w: number): void => {
    bytes.push(w & 0xff, (w >> 8) & 0xff);
    words.push(w);
  };
  let last = 0;
  for (const it of items) {
    const gap = it.sample - last;
    if (gap > 1023) {
      word(59 << 10);
      word((gap >>> 16) & 0xffff);
      word(gap & 0xffff);
      word(it.code << 10);
    } else word((it.code << 10) | gap);
    last = it.sample;
    if (it.sub !== undefined) word((61 << 10) | (it.sub & 0xff));
    if (it.aux !== undefined) {
      word((63 << 10) | it.aux.length);
      const aux = Buffer.from(it.aux, 'latin1');
      bytes.push(...aux, ...(aux.length % 2 ? [0] : []));
    }
  }
  word(0);
  return Buffer.from(bytes);
}

const RHYTHM = 28;
const NOISE = 14;
const NORMAL = 1;

/**
 * A 60 s, 100 Hz, 1-lead record: (N from 0 s, (AFIB from 27 s, noise in signal 0 from 40 s to
 * 48 s. Hand-computed 10 s windows on the grid: [0,10) N, [10,20) N, [20,30) 7 s N + 3 s AFIB,
 * [30,40) AFIB, [40,50) 8 s noisy, [50,60) AFIB. Inside the episodes: N [0,27) holds 2 windows with
 * 7 s to spare, [3.5,13.5) and [13.5,23.5); AFIB [27,60) holds 3 with 3 s to spare, [28.5,38.5),
 * [38.5,48.5) (8 s noisy) and [48.5,58.5).
 */
function handRecord(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'r1.hea'),
    'r1 1 100 6000\nr1.dat 16 200 16 0 0 0 0 MLII\n# 5 F 1234 x1\n# Digoxin, Propranolol\n',
  );
  writeFileSync(join(dir, 'r1.dat'), Buffer.alloc(12000));
  writeFileSync(
    join(dir, 'r1.atr'),
    mitAnnotations([
      { sample: 0, code: RHYTHM, aux: '(N' },
      { sample: 50, code: NORMAL },
      { sample: 2700, code: RHYTHM, aux: '(AFIB' },
      { sample: 4000, code: NOISE, sub: 1 },
      { sample: 4800, code: NOISE, sub: 0 },
    ]),
  );
}

describe('importMitdb on a hand-built record', () => {
  const dir = join(tmp, 'hand');
  handRecord(dir);

  it('places windows inside each rhythm episode, centred, and drops noisy ones (--mixed drop)', () => {
    const c = importMitdb(dir);
    expect(c.rows.map((r) => [r.window!.startS, r.window!.endS, r.labels[0]])).toEqual([
      [3.5, 13.5, 'nsr'],
      [13.5, 23.5, 'nsr'],
      [28.5, 38.5, 'afib'],
      [48.5, 58.5, 'afib'],
    ]);
    expect(c.warnings[0]).toMatch(
      /5 windows of 10 s placed inside rhythm episodes: kept 4, dropped 0 spanning .* 1 more than 50% noise/,
    );
  });

  it('cuts an episode into back-to-back windows centred in it, none when it is shorter than a window', () => {
    expect(episodeWindows(0, 2700, 1000)).toEqual([
      [350, 1350],
      [1350, 2350],
    ]);
    expect(episodeWindows(10, 1010, 1000)).toEqual([[10, 1010]]);
    expect(episodeWindows(10, 1009, 1000)).toEqual([]);
    expect(episodeWindows(0, 3001, 1000)).toEqual([
      [0, 1000],
      [1000, 2000],
      [2000, 3000],
    ]);
  });

  it('labels a mixed window by its majority rhythm (--mixed majority)', () => {
    expect(importMitdb(dir, { mixed: 'majority' }).rows.map((r) => [r.window!.startS, r.labels[0]])).toEqual([
      [0, 'nsr'],
      [10, 'nsr'],
      [20, 'nsr'],
      [30, 'afib'],
      [50, 'afib'],
    ]);
  });

  it('keeps a noisy window when the noise limit allows it, and cuts other window lengths', () => {
    expect(importMitdb(dir, { maxNoise: 0.9 }).rows.some((r) => r.window!.startS === 38.5)).toBe(true);
    expect(importMitdb(dir, { windowS: 30, mixed: 'majority', maxNoise: 1 }).rows.map((r) => r.labels[0])).toEqual([
      'nsr',
      'afib',
    ]);
  });

  it('reads age, sex and medications from the header comments, the patient from the record name', () => {
    const c = importMitdb(dir);
    expect(c.rows[0]).toMatchObject({
      patientId: 'r1',
      ageYears: 5,
      sex: 'F',
      clinical: { medications: ['beta_blocker', 'digoxin'], medication_names: ['digoxin', 'propranolol'] },
    });
    expect(c.schema.fields).toEqual([
      expect.objectContaining({
        name: 'medications',
        labels: ['antiarrhythmic', 'beta_blocker', 'digoxin', 'qt_prolonging'],
      }),
      expect.objectContaining({ name: 'medication_names', labels: ['digoxin', 'propranolol'] }),
    ]);
  });

  it('applies --max-age', () => {
    expect(importMitdb(dir, { maxAge: 5 }).rows).toEqual([]);
    expect(importMitdb(dir, { maxAge: 18 }).rows).toHaveLength(4);
  });
});

describe('importMitdb on MIT-BIH record 200', () => {
  const dir = join(tmp, 'mitdb200');
  mkdirSync(dir);
  for (const ext of ['hea', 'dat', 'atr'])
    copyFileSync(join(FIXTURE_REAL, `mitdb/200.${ext}`), join(dir, `200.${ext}`));
  const c = importMitdb(dir);

  it('cuts windows of 10 s inside its rhythm episodes, mapped to classes', () => {
    expect(c.warnings[0]).toMatch(/^1 records, \d+ windows of 10 s placed inside rhythm episodes/);
    expect(new Set(c.rows.flatMap((r) => r.labels))).toEqual(new Set(['nsr', 'pvc']));
    expect(c.rows.every((r) => r.patientId === '200' && r.ageYears === 64 && r.sex === 'M')).toBe(true);
    expect(c.rows[0]!.clinical).toEqual({
      medications: ['antiarrhythmic', 'digoxin', 'qt_prolonging'],
      medication_names: ['digoxin', 'quinidine'],
    });
  });
});

describe.skipIf(!hasSharedReal)('importMitdb on the shared MIT-BIH records', () => {
  it('finds every record, x_ records as their subject, and several rhythm classes', () => {
    const c = importMitdb(join(SHARED_REAL, 'mitdb'));
    expect(c.warnings[0]).toMatch(/^29 records/);
    expect(new Set(c.rows.map((r) => r.patientId)).size).toBe(29);
    expect(c.rows.some((r) => r.patientId === '231' && r.labels[0] === 'source:(BII')).toBe(true);
    const classes = new Set(c.rows.flatMap((r) => r.labels));
    for (const cls of ['nsr', 'afib', 'aflutter', 'pvc', 'svt', 'sinus_brady', 'wpw']) expect(classes).toContain(cls);
  });
});

/**
 * Rhythm episodes of a record read straight from its `+` annotations: maximal runs of one rhythm
 * string, [start, end) in seconds, the last one running to the end of the record.
 */
function rhythmEpisodes(record: string): Array<{ start: number; end: number; rhythm: string }> {
  const h = readHeader(record);
  const duration = (h.sigLen as number) / h.fs;
  const changes = readAnnotations(record, 'atr')
    .annotations.filter((a) => a.symbol === '+' && a.auxNote.startsWith('('))
    .map((a) => ({ t: a.sample / h.fs, rhythm: a.auxNote.replace(/\0/g, '').trim() }));
  const out: Array<{ start: number; end: number; rhythm: string }> = [];
  for (const c of changes) {
    const last = out[out.length - 1];
    if (last && last.rhythm === c.rhythm) continue;
    if (last) last.end = c.t;
    out.push({ start: c.t, end: duration, rhythm: c.rhythm });
  }
  return out;
}

describe.skipIf(!hasSharedReal)('windows of the shared MIT-BIH records fit their rhythm episodes', () => {
  const src = join(SHARED_REAL, 'mitdb');
  const rows = importMitdb(src, { maxNoise: 1 }).rows;
  const records = [...new Set(rows.map((r) => r.recordPath))];
  const episodes = new Map(records.map((r) => [r, rhythmEpisodes(r)]));

  it('gives every episode at least one window long at least one window, and at most ⌊length / 10 s⌋', () => {
    let long = 0;
    for (const [record, eps] of episodes) {
      const mine = rows.filter((r) => r.recordPath === record);
      for (const e of eps) {
        const inside = mine.filter((r) => r.window!.startS >= e.start - 1e-6 && r.window!.endS <= e.end + 1e-6);
        if (e.end - e.start >= 10 + 2 / 360) {
          long++;
          expect(inside.length, `${record} ${e.rhythm} at ${e.start.toFixed(1)} s`).toBeGreaterThanOrEqual(1);
        }
        expect(inside.length).toBeLessThanOrEqual(Math.floor((e.end - e.start) / 10 + 1e-9));
      }
    }
    expect(long).toBeGreaterThan(100);
  });

  it('never lets a window cross a rhythm change, nor overlap another window', () => {
    for (const [record, eps] of episodes) {
      const mine = rows.filter((r) => r.recordPath === record).map((r) => r.window!);
      for (const w of mine) {
        const crossed = eps.filter((e) => e.start > w.startS + 1e-6 && e.start < w.endS - 1e-6);
        expect(crossed, `${record} window at ${w.startS} s`).toEqual([]);
      }
      const sorted = [...mine].sort((a, b) => a.startS - b.startS);
      for (let i = 1; i < sorted.length; i++)
        expect(sorted[i]!.startS).toBeGreaterThanOrEqual(sorted[i - 1]!.endS - 1e-9);
    }
  });

  it('keeps the short ventricular bigeminy and trigeminy episodes that a 10-s grid cuts', () => {
    const grid = importMitdb(src, { maxNoise: 1, mixed: 'majority' });
    const ectopy = (labels: readonly string[]): boolean => labels[0] === 'pvc' || labels[0] === 'vt';
    const inEpisodes = rows.filter((r) => ectopy(r.labels)).length;
    const gridPure = grid.rows.filter((r) => {
      if (!ectopy(r.labels)) return false;
      const eps = episodes.get(r.recordPath) ?? [];
      return eps.some((e) => e.start <= r.window!.startS + 1e-6 && e.end >= r.window!.endS - 1e-6);
    }).length;
    expect(inEpisodes).toBeGreaterThan(1.2 * gridPure);
  });
});
