import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { FewbeatError, UsageError } from '../../errors.js';
import type { Ecg } from '../../io/ecg.js';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { loadEcg, type LoadEcgOptions } from '../../io/load-ecg.js';
import { type ReadOptions, readEcg } from '../../io/wfdb/record.js';
import { fillInvalidSamples } from '../../signal/fill-invalid-samples.js';
import { medianHeartRate } from '../../signal/heart-rate.js';
import { canonicalLead } from '../../signal/lead-registry.js';
import { detectQrs } from '../../signal/qrs/detect-qrs.js';
import { detectQrsMultiLead } from '../../signal/qrs/detect-qrs-multi-lead.js';
import { type BeatMatch, beatReference, matchBeats, sePlusP } from '../../signal/qrs/ec57.js';
import { emit } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';

/** What `fewbeat qrs RECORD --json` prints. */
export interface QrsResult {
  fs: number;
  /** The lead detected on, or the leads joined by `+` for multi-lead detection. */
  channel: string;
  /** R-peak sample indices. */
  samples: Int32Array;
  /** 60 / median RR; null with fewer than two beats. */
  hr_bpm: number;
}

/** One row of the EC57 table. */
export interface Ec57Row extends BeatMatch {
  record: string;
  se: number;
  ppv: number;
}

/**
 * Choose the leads to detect on: `--channel` as an index or a name (any spelling the lead registry
 * knows), else every channel that is an ECG lead (all channels when none is recognised).
 */
export function selectLeads(ecg: Ecg, channel: string | undefined): number[] {
  if (channel === undefined) {
    const ecgLeads = ecg.leads.map((name, i) => (canonicalLead(name) ? i : -1)).filter((i) => i >= 0);
    return ecgLeads.length > 0 ? ecgLeads : ecg.leads.map((_, i) => i);
  }
  if (/^\d+$/.test(channel)) {
    const i = Number(channel);
    if (i >= ecg.leads.length)
      throw new UsageError(
        `option --channel: the record has ${ecg.leads.length} channels (0-${ecg.leads.length - 1}), got ${i}`,
      );
    return [i];
  }
  let i = ecg.leads.indexOf(channel);
  if (i < 0)
    i = ecg.leads.findIndex((name) => canonicalLead(name) !== null && canonicalLead(name) === canonicalLead(channel));
  if (i < 0)
    throw new UsageError(`option --channel: no channel named '${channel}' (channels: ${ecg.leads.join(', ')})`);
  return [i];
}

/** Detect R peaks in the selected leads of a record (NaN gaps interpolated first). */
export function detectInRecord(ecg: Ecg, leads: number[]): Int32Array {
  const signals = leads.map((i) =>
    fillInvalidSamples(ecg.signals[i]!, `${ecg.source ?? 'record'}: channel ${ecg.leads[i]}`),
  );
  const origin = { file: ecg.source };
  return signals.length === 1
    ? detectQrs(signals[0]!, ecg.fs, { origin })
    : detectQrsMultiLead(signals, ecg.fs, { origin });
}

/** Run the detector on one recording of any format and print fs, channel, R peaks and median heart rate. */
export function qrsOfRecord(recordArg: string, channel: string | undefined, read: LoadEcgOptions = {}): QrsResult {
  const ecg = loadEcg(recordArg, read);
  const leads = selectLeads(ecg, channel);
  const samples = detectInRecord(ecg, leads);
  return {
    fs: ecg.fs,
    channel: leads.map((i) => ecg.leads[i]).join('+'),
    samples,
    hr_bpm: medianHeartRate(samples, ecg.fs),
  };
}

function annotatedRecords(dir: string, annotator: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FewbeatError('not a directory', { file: dir });
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.hea') && existsSync(`${p.slice(0, -4)}.${annotator}`)) out.push(p.slice(0, -4));
    }
  };
  walk(dir);
  return out;
}

/**
 * ANSI/AAMI EC57 beat-by-beat evaluation of the multi-lead detector (all ECG leads) on every record
 * in `dir` (recursively) that has `<record>.<annotator>`: matching window 150 ms, the whole record
 * scored (no 5-minute learning period excluded), ventricular flutter episodes (`[`…`]`) not
 * scored. Returns per-record rows and the gross row (sums of TP, FN, FP over all records).
 */
export function evaluateQrs(
  dir: string,
  annotator = 'atr',
  read: ReadOptions = {},
): { records: Ec57Row[]; gross: Ec57Row } {
  const records = annotatedRecords(dir, annotator).map((path): Ec57Row => {
    const ecg = readEcg(path, read);
    const ann = readAnnotations(path, annotator);
    const n = ecg.signals[0]?.length ?? 0;
    const scale = ann.fs && ann.fs !== ecg.fs ? ecg.fs / ann.fs : 1;
    const ref = beatReference(
      ann.annotations.map((a) => ({ sample: Math.round(a.sample * scale), symbol: a.symbol })),
      n,
    );
    const m = matchBeats(ref.beats, detectInRecord(ecg, selectLeads(ecg, undefined)), ecg.fs, {
      excluded: ref.excluded,
    });
    return { record: relative(dir, path), ...m, ...sePlusP(m) };
  });
  if (records.length === 0) throw new FewbeatError(`no WFDB record with .${annotator} annotations`, { file: dir });
  const total = records.reduce<BeatMatch>((acc, r) => ({ tp: acc.tp + r.tp, fn: acc.fn + r.fn, fp: acc.fp + r.fp }), {
    tp: 0,
    fn: 0,
    fp: 0,
  });
  return { records, gross: { record: 'gross', ...total, ...sePlusP(total) } };
}

/** The EC57 table as Markdown. */
export function formatEc57(result: { records: Ec57Row[]; gross: Ec57Row }): string {
  const row = (r: Ec57Row): string =>
    `| ${r.record} | ${r.tp} | ${r.fn} | ${r.fp} | ${r.se.toFixed(2)} | ${r.ppv.toFixed(2)} |`;
  return [
    '| record | TP | FN | FP | Se % | +P % |',
    '|---|---:|---:|---:|---:|---:|',
    ...result.records.map(row),
    row(result.gross).replace('| gross |', '| **gross** |'),
  ].join('\n');
}

export function register(program: Command): void {
  program
    .command('qrs')
    .description(
      'detect QRS complexes (R peaks) in a recording (WFDB, EDF, CSV, ' +
        'DICOM, SCP-ECG), or evaluate the detector (EC57) on annotated WFDB records',
    )
    .argument('[record]', 'recording of any format, or a WFDB record path with or without .hea')
    .option('--channel <n|name>', 'detect on one channel (index or lead name); default: all ECG leads together')
    .option('--evaluate <dir>', 'EC57 beat-by-beat evaluation on every annotated record under DIR')
    .option('--annotator <ext>', 'reference annotation extension for --evaluate', 'atr')
    .option('--strict', STRICT_HELP)
    .option('--json', 'print JSON')
    .action(
      (
        record: string | undefined,
        opts: { channel?: string; evaluate?: string; annotator: string; strict?: boolean; json?: boolean },
      ) => {
        const read = { strict: opts.strict, onWarning: stderrWarner() };
        if (opts.evaluate !== undefined) {
          if (record !== undefined) throw new UsageError('give either a RECORD or --evaluate DIR, not both');
          emit(evaluateQrs(opts.evaluate, opts.annotator, read), opts, formatEc57);
          return;
        }
        if (record === undefined) throw new UsageError('missing RECORD (or --evaluate DIR)');
        emit(
          qrsOfRecord(record, opts.channel, read),
          opts,
          (r) =>
            `${r.samples.length} beats on ${r.channel} at ${r.fs} Hz, median ` +
            `heart rate ${Number.isFinite(r.hr_bpm) ? r.hr_bpm.toFixed(1) : 'n/a'} bpm`,
        );
      },
    );
}
