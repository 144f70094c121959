import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { readAnnotations } from '../../io/wfdb/annotations.js';
import { readRecordAsync, type WfdbRecord } from '../../io/wfdb/record.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';

/** What `fewbeat inspect --json` prints (the shape other checks rely on). */
export interface InspectResult {
  record: string;
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
  /** Sum of the stored samples of each channel over the whole record; null for multi-segment records. */
  digital_sum: Array<number | null>;
  /** Physical values of frames [from, to), per channel at that channel's own rate. */
  samples?: { from: number; to: number; physical: Float64Array[] };
  annotations?: {
    extension: string;
    fs: number | null;
    count: number;
    items: Array<{ sample: number; symbol: string; aux_note: string }>;
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

/** Build the inspection of `recordPath` (path without extension); every format, FLAC included. */
export async function inspectRecord(recordPath: string, opts: InspectOptions = {}): Promise<InspectResult> {
  const rec: WfdbRecord = await readRecordAsync(recordPath, { strict: opts.strict, onWarning: opts.onWarning });
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

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - 60 * m).toFixed(3).padStart(6, '0')}`;
}

function formatInspection(r: InspectResult): string {
  const lines = [
    `record ${r.record}: ${r.n_sig} signals, ${r.fs} Hz, ${r.sig_len} frames (${formatDuration(r.sig_len / r.fs)})`,
  ];
  const rows = r.signals.map((s, i) => [
    String(i),
    s.name,
    s.units,
    s.fmt,
    String(s.adc_gain),
    String(s.baseline),
    String(s.samples_per_frame),
    String(r.digital_sum[i] ?? '-'),
  ]);
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

export function register(program: Command): void {
  program
    .command('inspect')
    .description('describe a WFDB record: header, signals, digital sums, optional samples and annotations')
    .argument('<record>', 'record path without extension, as in WFDB (e.g. data/mitdb/100)')
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
