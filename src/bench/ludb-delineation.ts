import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readEcg } from '../io/wfdb/record.js';
import { measureEcg } from '../signal/measure-ecg.js';
import { median } from '../util/median.js';
import { readLudbReference } from './ludb-reference.js';

/** The intervals compared, with the tolerance (ms) of each. */
export const TOLERANCE_MS = { pr: 20, qrs: 15, qt: 30 } as const;
export type IntervalKey = keyof typeof TOLERANCE_MS;
const KEYS: readonly IntervalKey[] = ['pr', 'qrs', 'qt'];

/** One record: reference and measured intervals (ms), null where absent. */
export interface RecordComparison {
  record: number;
  reference: Record<IntervalKey, number | null>;
  measured: Record<IntervalKey, number | null>;
}

/** Figures of one interval over a set of records. */
export interface IntervalSummary {
  /** Records whose reference has the interval (the cardiologists marked the wave). */
  withReference: number;
  /** Of those, records measured (non-null). */
  measured: number;
  /** Median absolute error (ms) over the records measured. */
  medianAbsErrorMs: number;
  /** Share of `withReference` records measured within the tolerance (a missing value counts as a miss). */
  withinTolerance: number;
  /** Records without a reference value that fewbeat measured anyway (e.g. a PR in atrial fibrillation). */
  measuredWithoutReference: number;
}

/** Compare fewbeat's measurement of LUDB record `n` (in `dir`) with the cardiologists' global intervals. */
export function compareRecord(dir: string, n: number): RecordComparison {
  const path = join(dir, String(n));
  const ref = readLudbReference(path);
  const m = measureEcg(readEcg(path));
  return {
    record: n,
    reference: { pr: ref.pr_ms, qrs: ref.qrs_ms, qt: ref.qt_ms },
    measured: { pr: m.pr_ms, qrs: m.qrs_ms, qt: m.qt_ms },
  };
}

/** Summarise the comparison of a set of records, interval by interval. */
export function summarise(rows: readonly RecordComparison[]): Record<IntervalKey, IntervalSummary> {
  const out = {} as Record<IntervalKey, IntervalSummary>;
  for (const key of KEYS) {
    const withRef = rows.filter((r) => r.reference[key] !== null);
    const errors = withRef
      .filter((r) => r.measured[key] !== null)
      .map((r) => Math.abs(r.measured[key]! - r.reference[key]!));
    out[key] = {
      withReference: withRef.length,
      measured: errors.length,
      medianAbsErrorMs: median(errors),
      withinTolerance: withRef.length ? errors.filter((e) => e <= TOLERANCE_MS[key]).length / withRef.length : NaN,
      measuredWithoutReference: rows.filter((r) => r.reference[key] === null && r.measured[key] !== null).length,
    };
  }
  return out;
}

const fmt = (v: number | null): string => (v === null ? '—' : String(Math.round(v * 10) / 10));
const pct = (v: number): string => `${Math.round(v * 1000) / 10} %`;

/** The per-record table and the summaries of records 1-60, 61-100 and all, as text. */
export function formatReport(rows: readonly RecordComparison[]): string {
  const lines: string[] = [];
  lines.push('record  PR ref  PR got  |err|   QRS ref QRS got |err|   QT ref  QT got  |err|');
  for (const r of rows) {
    const cells = KEYS.flatMap((k) => {
      const ref = r.reference[k];
      const got = r.measured[k];
      const err = ref !== null && got !== null ? Math.abs(got - ref) : null;
      const flag = ref !== null && (err === null || err > TOLERANCE_MS[k]) ? '*' : ' ';
      return [fmt(ref), fmt(got), fmt(err) + flag];
    });
    lines.push([String(r.record), ...cells].map((c) => c.padEnd(8)).join(''));
  }
  lines.push('(* = outside the tolerance or not measured)', '');
  const subsets: Array<[string, RecordComparison[]]> = [
    ['records 1-60', rows.filter((r) => r.record <= 60)],
    ['records 61-100', rows.filter((r) => r.record > 60)],
    ['all records', [...rows]],
  ];
  lines.push('set              interval  with ref  measured  median |err| ms  within tol   measured w/o ref');
  for (const [name, set] of subsets) {
    if (set.length === 0) continue;
    const s = summarise(set);
    for (const k of KEYS) {
      const x = s[k];
      lines.push(
        [
          name.padEnd(17),
          `${k.toUpperCase()} ±${TOLERANCE_MS[k]}`.padEnd(10),
          String(x.withReference).padEnd(10),
          String(x.measured).padEnd(10),
          fmt(x.medianAbsErrorMs).padEnd(17),
          pct(x.withinTolerance).padEnd(12),
          String(x.measuredWithoutReference),
        ].join(''),
      );
    }
  }
  return lines.join('\n');
}

/**
 * `npm run bench:ludb [-- DIR [FIRST LAST]]`: fewbeat's PR, QRS and QT against the cardiologists'
 * global intervals on the LUDB records in DIR (default `../shared/data/real/ludb`), records
 * FIRST..LAST (default 1..100, those present).
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] ?? join(process.cwd(), '../shared/data/real/ludb');
  const first = Number(process.argv[3] ?? 1);
  const last = Number(process.argv[4] ?? 100);
  const rows: RecordComparison[] = [];
  for (let n = first; n <= last; n++) if (existsSync(join(dir, `${n}.hea`))) rows.push(compareRecord(dir, n));
  if (rows.length === 0) {
    process.stderr.write(`no LUDB records in ${dir}\n`);
    process.exit(1);
  }
  process.stdout.write(`${formatReport(rows)}\n`);
}
