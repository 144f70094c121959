import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { ClinicalSchema } from '../../clinical/schema.js';
import { FewbeatError } from '../../errors.js';
import { readAnnotations, type Annotation } from '../wfdb/annotations.js';
import { readHeader } from '../wfdb/header.js';
import { readRecord } from '../wfdb/record.js';
import { findRecords } from './find-records.js';
import { applyMaxAge, type CommonImportOptions, type ImportedCohort, type ImportedRow } from './imported-cohort.js';
import { LabelMap, readLabelTable } from './label-map.js';

/**
 * MIT-BIH-style annotated long records (Moody & Mark, IEEE EMB Mag 20:45, 2001) cut into fixed
 * windows, each labelled by the rhythm annotation in force.
 *
 * - Rhythm: `+` annotations carry the rhythm in their aux string (`(N`, `(AFIB`, ...); a rhythm
 *   holds from its annotation to the next. Time before the first one has no rhythm.
 * - Noise: `~` annotations change signal quality; subtype bits mark noisy (0–3) or unreadable
 *   (4–7) signals, 0 = clean, −1 = all unreadable. A moment is noisy when the subtype is not 0.
 * - `mixed: 'drop'` (default) places windows inside each rhythm episode (`episodeWindows`): an
 *   episode [s, e) of L = e − s seconds gets n = ⌊L/W⌋ non-overlapping windows, centred, so every
 *   episode at least one window long gets one and no window crosses a rhythm change. Short
 *   episodes of rare rhythms (bigeminy, runs of VT) are kept this way; a global grid would cut most
 *   of them.
 * - `mixed: 'majority'` cuts the record on a global grid, window k = [k·W, (k+1)·W) s (the trailing
 *   partial window dropped), and labels each window by the rhythm covering most of it.
 * - Either way a window whose noisy fraction exceeds `maxNoise`, or whose rhythm is unknown, is
 *   dropped.
 * - Age and sex from the first header comment (`64 M 1953 3655 x1`), medications from the second
 *   (`Digoxin, Quinidine`, `None`): `medication_names` keeps the drugs as written (lower case),
 *   `medications` their classes in fewbeat's clinical vocabulary (data/labelmaps/drug-classes.csv:
 *   digoxin, antiarrhythmic, qt_prolonging, beta_blocker), so that a model trained on the
 *   synthetic cohort reads them. The patient is the record's subject (`x_108` → 108; 201 and 202
 *   share one, data/labelmaps/mitdb-subjects.csv).
 */
export interface MitdbImportOptions extends CommonImportOptions {
  windowS?: number | undefined;
  mixed?: 'drop' | 'majority' | undefined;
  maxNoise?: number | undefined;
  annotator?: string | undefined;
}

interface Span {
  start: number;
  end: number;
  value: string | null;
}

/** Piecewise-constant state from change annotations: [start, end) spans in seconds covering [0, duration). */
function spans(changes: Array<{ t: number; value: string | null }>, duration: number): Span[] {
  const out: Span[] = [];
  let value: string | null = null;
  let start = 0;
  for (const c of changes) {
    const t = Math.min(Math.max(c.t, 0), duration);
    if (c.value === value) continue;
    if (t > start) out.push({ start, end: t, value });
    value = c.value;
    start = Math.max(start, t);
  }
  if (duration > start) out.push({ start, end: duration, value });
  return out;
}

/**
 * Non-overlapping windows of `windowSamples` inside the episode [start, end) (sample indices, end
 * exclusive): n = ⌊(end − start)/W⌋ windows, back to back, the n·W samples centred in the episode
 * (the slack split evenly, the odd sample after). None when the episode is shorter than a window.
 */
export function episodeWindows(start: number, end: number, windowSamples: number): Array<[number, number]> {
  const n = Math.floor((end - start) / windowSamples);
  if (!(n >= 1)) return [];
  const first = start + Math.floor((end - start - n * windowSamples) / 2);
  return Array.from({ length: n }, (_, k): [number, number] => [
    first + k * windowSamples,
    first + (k + 1) * windowSamples,
  ]);
}

/** Seconds of [a, b) covered by each value of `s`. */
function coverage(s: Span[], a: number, b: number): Map<string | null, number> {
  const m = new Map<string | null, number>();
  for (const sp of s) {
    const overlap = Math.min(b, sp.end) - Math.max(a, sp.start);
    if (overlap > 0) m.set(sp.value, (m.get(sp.value) ?? 0) + overlap);
  }
  return m;
}

/**
 * The windows [a, b) in seconds to consider: inside each labelled rhythm episode (`drop`, see
 * `episodeWindows`; whole samples at `fs`), or on the global grid (`majority`).
 */
function candidateWindows(
  rhythm: Span[],
  mixed: 'drop' | 'majority',
  windowS: number,
  duration: number,
  fs: number,
): Array<[number, number]> {
  if (mixed === 'majority') {
    const grid: Array<[number, number]> = [];
    for (let k = 0; (k + 1) * windowS <= duration + 1e-9; k++) grid.push([k * windowS, (k + 1) * windowS]);
    return grid;
  }
  const w = Math.round(windowS * fs);
  return rhythm
    .filter((sp) => sp.value !== null)
    .flatMap((sp) => episodeWindows(Math.ceil(sp.start * fs - 1e-6), Math.floor(sp.end * fs + 1e-6), w))
    .map(([a, b]): [number, number] => [a / fs, b / fs]);
}

/** Parse `64 M 1953 3655 x1` → age 64, sex M (`??` or `?` = unknown). */
function demographics(comment: string | undefined): { ageYears: number | null; sex: 'M' | 'F' | null } {
  const m = /^\s*(\d+|\?+)\s+([MF?])\b/.exec(comment ?? '');
  if (!m) return { ageYears: null, sex: null };
  const age = /^\d+$/.test(m[1]!) ? Number(m[1]) : null;
  return { ageYears: age !== null && age <= 120 ? age : null, sex: m[2] === 'M' || m[2] === 'F' ? m[2] : null };
}

/** `Digoxin, Quinidine` → ['digoxin', 'quinidine']; `None` → []; missing/`?` → null. */
function medications(comment: string | undefined): string[] | null {
  const text = (comment ?? '').trim();
  if (text === '' || /^\?+$/.test(text) || /^n\/a$/i.test(text)) return null;
  if (/^none$/i.test(text)) return [];
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s.length > 0 && /^[a-z0-9][a-z0-9 .-]*$/.test(s)),
    ),
  ].sort();
}

/** `23–89 y` over the rows of known age, or `unknown`. */
function ageRange(rows: ImportedRow[]): string {
  const ages = rows.map((r) => r.ageYears).filter((a): a is number => a !== null);
  return ages.length === 0 ? 'unknown' : `${Math.min(...ages)}–${Math.max(...ages)} y`;
}

export function importMitdb(src: string, opts: MitdbImportOptions = {}): ImportedCohort {
  const windowS = opts.windowS ?? 10;
  const mixed = opts.mixed ?? 'drop';
  const maxNoise = opts.maxNoise ?? 0.5;
  const annotator = opts.annotator ?? 'atr';
  if (!(windowS > 0)) throw new FewbeatError(`window length ${windowS} s is not positive`);
  const rhythmMap = new LabelMap('mitdb-rhythm.csv', 'source');
  const subjectOf = new Map(readLabelTable('mitdb-subjects.csv').map((r) => [r.record!, r.subject!]));
  const records = findRecords(src).filter((r) => existsSync(`${r}.${annotator}`));
  if (records.length === 0) throw new FewbeatError(`no WFDB records with .${annotator} annotations`, { file: src });

  const rows: ImportedRow[] = [];
  const dropped = { mixed: 0, noise: 0, unlabelled: 0 };
  let windowsSeen = 0;
  const medsByRecord = new Map<string, string[] | null>();
  const layouts = new Set<string>();
  for (const recordPath of records) {
    const header = readHeader(recordPath);
    layouts.add(`${header.nSig} leads at ${header.fs} Hz`);
    const sigLen = header.sigLen ?? readRecord(recordPath, { from: 0, to: 0 }).sigLen;
    const duration = sigLen / header.fs;
    const ann = readAnnotations(recordPath, annotator);
    const tfs = ann.fs ?? header.fs;
    const at = (a: Annotation): number => a.sample / tfs;
    const rhythm = spans(
      ann.annotations
        .filter((a) => a.symbol === '+' && a.auxNote.startsWith('('))
        .map((a) => ({ t: at(a), value: a.auxNote.replace(/\0/g, '').trim() })),
      duration,
    );
    const noise = spans(
      ann.annotations
        .filter((a) => a.symbol === '~')
        .map((a) => ({ t: at(a), value: a.subtype === 0 ? null : 'noisy' })),
      duration,
    );
    const { ageYears, sex } = demographics(header.comments[0]);
    const meds = medications(header.comments[1]);
    medsByRecord.set(recordPath, meds);
    const name = basename(recordPath).replace(/^x_/, '');
    const patientId = subjectOf.get(name) ?? name;
    for (const [a, b] of candidateWindows(rhythm, mixed, windowS, duration, header.fs)) {
      windowsSeen++;
      if ((coverage(noise, a, b).get('noisy') ?? 0) > maxNoise * windowS) {
        dropped.noise++;
        continue;
      }
      const cover = [...coverage(rhythm, a, b)].sort((x, y) => y[1] - x[1]);
      if (mixed === 'drop' && cover.length > 1) {
        dropped.mixed++;
        continue;
      }
      const [top] = cover;
      if (!top || top[0] === null) {
        dropped.unlabelled++;
        continue;
      }
      rows.push({
        recordPath,
        patientId,
        labels: [rhythmMap.label(top[0], 'source')],
        ageYears,
        sex,
        split: null,
        window: { startS: a, endS: b },
        clinical: { medication_names: meds },
      });
    }
  }
  const drugTable = readLabelTable('drug-classes.csv');
  const drugClasses = [...new Set(drugTable.map((r) => r.class!))].sort();
  const classesOf = (names: string[] | null): string[] | null =>
    names === null ? null : [...new Set(drugTable.filter((r) => names.includes(r.drug!)).map((r) => r.class!))].sort();
  const nameLabels = [...new Set([...medsByRecord.values()].flatMap((m) => m ?? []))].sort();
  for (const row of rows) {
    const names = row.clinical.medication_names as string[] | null;
    row.clinical = nameLabels.length > 0 ? { medications: classesOf(names), medication_names: names } : {};
  }
  const schema: ClinicalSchema = {
    version: 1,
    fields:
      nameLabels.length > 0
        ? [
            {
              name: 'medications',
              type: 'multi-label',
              labels: drugClasses,
              description: 'medication classes (data/labelmaps/drug-classes.csv) of the MIT-BIH header comments',
            },
            {
              name: 'medication_names',
              type: 'multi-label',
              labels: nameLabels,
              description: 'medications as written in the MIT-BIH header comments',
            },
          ]
        : [],
  };
  const placement = mixed === 'drop' ? 'placed inside rhythm episodes' : `on a ${windowS}-s grid`;
  const warnings = [
    `${records.length} records, ${windowsSeen} windows of ${windowS} s ` +
      `${placement}: kept ${rows.length}, dropped ${dropped.mixed} ` +
      `spanning a rhythm change (--mixed ${mixed}), ${dropped.noise} more ` +
      `than ${maxNoise * 100}% noise, ${dropped.unlabelled} without a rhythm`,
    `recordings of ${[...layouts].sort().join(', ')}, ages ` +
      `${ageRange(rows)}: a cross-domain test for a pediatric 12-lead ` +
      `model when the subjects are adults`,
  ];
  return applyMaxAge({ format: 'mitdb', src, schema, rows, warnings }, opts.maxAge);
}
