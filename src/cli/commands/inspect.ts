import { basename } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { Ecg } from '../../io/ecg.js';
import { loadEcg } from '../../io/load-ecg.js';
import { resolveRecord } from '../../io/manifest/record-format.js';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { readRecordAsync, type WfdbRecord } from '../../io/wfdb/record.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';

/** What `fewbeat inspect --json` prints (the shape other checks rely on). */
export interface InspectResult {
  record: string;
  /** The format found from the file's content (`edf`, `csv`, `dicom`, `scp-ecg`, `xml`); absent for WFDB. */
  format?: string;
  fs: number;
  n_sig: number;
  sig_len: number;
  signals: Array<{
    name: string;
    units: string;
    fmt: string;
    adc_gain: number;
    baseline: number;
    samples_per_frame: number;
  }>;
  comments: string[];
  /** Sum of the stored samples of each channel over the whole record; null for multi-segment records and formats
   * other than WFDB (their gain and baseline are NaN: the values are already physical). */
  digital_sum: Array<number | null>;
  /** Physical values of frames [from, to), per channel at that channel's own rate. */
  samples?: { from: number; to: number; physical: Float64Array[] };
  annotations?: {
    extension: string;
    fs: number | null;
    count: number;
    items: Array<{ sample: number; symbol: string; aux_note: string }>;
  };
  /** What the file says besides the samples (hospital formats): patient, device, statements, other groups. */
  meta?: {
    age_years: number | null;
    sex: 'M' | 'F' | null;
    acquired: string | null;
    device: string | null;
    statements: string[];
    measurements: Record<string, number | string>;
    groups: Array<{ name: string; fs: number; leads: string[]; samples: number }>;
  };
}

export interface InspectOptions {
  from?: number | undefined;
  to?: number | undefined;
  annotations?: string | undefined;
  /** Refuse checksum mismatches and header quirks (see `ReadOptions.strict`). */
  strict?: boolean | undefined;
  /** Receives the record's warning when it is read leniently. */
  onWarning?: ((message: string) => void) | undefined;
}

/**
 * Build the inspection of `recordPath`: a WFDB record (path with or without `.hea`; every signal format, FLAC
 * included) in full detail, or any other format `loadEcg` reads (EDF, CSV, DICOM, SCP-ECG, XML) with its metadata.
 */
export async function inspectRecord(recordPath: string, opts: InspectOptions = {}): Promise<InspectResult> {
  const read = { strict: opts.strict, onWarning: opts.onWarning };
  const found = resolveRecord(recordPath);
  if (found === null || found.format !== 'wfdb') return inspectEcg(loadEcg(recordPath, read), recordPath, opts);
  recordPath = found.file;
  const rec: WfdbRecord = await readRecordAsync(recordPath, read);
  const h = rec.header;
  const result: InspectResult = {
    record: h.recordName,
    fs: rec.fs,
    n_sig: h.nSig,
    sig_len: rec.sigLen,
    signals: rec.channels.map((c) => ({
      name: c.name,
      units: c.units,
      fmt: c.fmt,
      adc_gain: c.adcGain,
      baseline: c.baseline,
      samples_per_frame: c.sampsPerFrame,
    })),
    comments: h.comments,
    digital_sum: rec.channels.map((c) => (c.digital ? c.digital.reduce((a, v) => a + v, 0) : null)),
  };
  if (opts.from !== undefined || opts.to !== undefined) {
    const from = opts.from ?? 0;
    const to = opts.to ?? rec.sigLen;
    if (from > to || to > rec.sigLen)
      throw new UsageError(`sample range [${from}, ${to}) is not inside the record's ${rec.sigLen} frames`);
    result.samples = {
      from,
      to,
      physical: rec.channels.map((c) => c.physical.subarray(from * c.sampsPerFrame, to * c.sampsPerFrame)),
    };
  }
  if (opts.annotations !== undefined) {
    const ann = readAnnotations(recordPath, opts.annotations);
    result.annotations = {
      extension: opts.annotations,
      fs: ann.fs,
      count: ann.annotations.length,
      items: ann.annotations.map((a) => ({ sample: a.sample, symbol: a.symbol, aux_note: a.auxNote })),
    };
  }
  return result;
}

/** The inspection of an already loaded recording of a format other than WFDB. */
function inspectEcg(ecg: Ecg, recordPath: string, opts: InspectOptions): InspectResult {
  if (opts.annotations !== undefined)
    throw new UsageError(
      `--annotations reads WFDB annotation files; ${recordPath} is ${ecg.meta?.format ?? 'not WFDB'}`,
    );
  const n = ecg.signals[0]?.length ?? 0;
  const format = ecg.meta?.format ?? 'unknown';
  const m = ecg.meta ?? {};
  const result: InspectResult = {
    record: basename(ecg.source ?? recordPath),
    format,
    fs: ecg.fs,
    n_sig: ecg.signals.length,
    sig_len: n,
    signals: ecg.leads.map((name, i) => ({
      name,
      units: ecg.units[i] ?? '',
      fmt: format,
      adc_gain: Number.NaN,
      baseline: Number.NaN,
      samples_per_frame: 1,
    })),
    comments: [],
    digital_sum: ecg.signals.map(() => null),
    meta: {
      age_years: m.ageYears ?? null,
      sex: m.sex ?? null,
      acquired: m.acquired ?? null,
      device: m.device ?? null,
      statements: m.statements ?? [],
      measurements: m.deviceMeasurements ?? {},
      groups: (m.groups ?? []).map((g) => ({
        name: g.name,
        fs: g.ecg.fs,
        leads: g.ecg.leads,
        samples: g.ecg.signals[0]?.length ?? 0,
      })),
    },
  };
  if (opts.from !== undefined || opts.to !== undefined) {
    const from = opts.from ?? 0;
    const to = opts.to ?? n;
    if (from > to || to > n)
      throw new UsageError(`sample range [${from}, ${to}) is not inside the record's ${n} frames`);
    result.samples = { from, to, physical: ecg.signals.map((s) => s.subarray(from, to)) };
  }
  return result;
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - 60 * m).toFixed(3).padStart(6, '0')}`;
}

function formatInspection(r: InspectResult): string {
  const lines = [
    `record ${r.record}${r.format ? ` (${r.format})` : ''}: ${r.n_sig} ` +
      `signals, ${r.fs} Hz, ${r.sig_len} frames ` +
      `(${formatDuration(r.sig_len / r.fs)})`,
  ];
  const rows = r.signals.map((s, i) =>
    [
      String(i),
      s.name,
      s.units,
      s.fmt,
      String(s.adc_gain),
      String(s.baseline),
      String(s.samples_per_frame),
      String(r.digital_sum[i] ?? '-'),
    ].map((cell) => (cell === 'NaN' ? '-' : cell)),
  );
  const table = [['#', 'name', 'units', 'fmt', 'gain', 'baseline', 'spf', 'digital sum'], ...rows];
  const widths = table[0]?.map((_, j) => Math.max(...table.map((row) => (row[j] as string).length))) ?? [];
  for (const row of table)
    lines.push(
      `  ${row
        .map((cell, j) => cell.padEnd(widths[j] as number))
        .join('  ')
        .trimEnd()}`,
    );
  if (r.comments.length > 0) lines.push('comments:', ...r.comments.map((c) => `  ${c}`));
  if (r.meta) lines.push(...formatMeta(r.meta));
  if (r.samples) {
    lines.push(`samples [${r.samples.from}, ${r.samples.to}):`);
    r.samples.physical.forEach((p, i) =>
      lines.push(
        `  ${r.signals[i]?.name}: ${Array.from(p, (v) => (Number.isNaN(v) ? 'NaN' : String(+v.toFixed(6)))).join(' ')}`,
      ),
    );
  }
  if (r.annotations) {
    const histogram = new Map<string, number>();
    for (const a of r.annotations.items) histogram.set(a.symbol, (histogram.get(a.symbol) ?? 0) + 1);
    const counts = [...histogram]
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    lines.push(
      `annotations .${r.annotations.extension}: ${r.annotations.count} at ${r.annotations.fs ?? '?'} Hz (${counts})`,
    );
  }
  return lines.join('\n');
}

function formatMeta(m: NonNullable<InspectResult['meta']>): string[] {
  const age = m.age_years === null ? 'unknown' : `${+m.age_years.toFixed(2)} years`;
  const lines = [`patient: age ${age}, sex ${m.sex ?? 'unknown'}`];
  if (m.acquired !== null) lines.push(`acquired: ${m.acquired}`);
  if (m.device !== null) lines.push(`device: ${m.device}`);
  if (m.statements.length > 0) lines.push('statements:', ...m.statements.map((s) => `  ${s}`));
  const measured = Object.entries(m.measurements);
  if (measured.length > 0) lines.push(`measurements: ${measured.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const g of m.groups)
    lines.push(`group ${g.name}: ${g.leads.length} signals, ${g.fs} Hz, ${g.samples} frames (${g.leads.join(' ')})`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description(
      "describe a recording (WFDB, EDF, CSV, DICOM, SCP-ECG): signals, WFDB header and digital sums, the file's" +
        ' patient, device, statements and median beats, optional samples and annotations',
    )
    .argument(
      '<record>',
      'recording: a file of any format, or a WFDB record with or without .hea (e.g. data/mitdb/100)',
    )
    .option('--from <n>', 'first frame of the samples to print')
    .option('--to <m>', 'end frame (exclusive) of the samples to print')
    .option('--annotations <ext>', 'also read annotations <record>.<ext> (e.g. atr)')
    .option('--strict', STRICT_HELP)
    .option('--json', 'machine-readable output')
    .action(
      async (
        record: string,
        opts: { from?: string; to?: string; annotations?: string; strict?: boolean; json?: boolean },
      ) => {
        const from =
          opts.from === undefined ? undefined : parseNumberOption('--from', opts.from, { integer: true, min: 0 });
        const to = opts.to === undefined ? undefined : parseNumberOption('--to', opts.to, { integer: true, min: 0 });
        const inspection = await inspectRecord(record, {
          from,
          to,
          annotations: opts.annotations,
          strict: opts.strict,
          onWarning: stderrWarner(),
        });
        emit(inspection, opts, formatInspection);
      },
    );
}
