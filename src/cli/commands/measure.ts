import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { loadEcg } from '../../io/load-ecg.js';
import { type Measurement, measureEcg } from '../../signal/measure-ecg.js';
import { defaultNormTable, readNormTable } from '../../signal/norms/default-norms.js';
import { emit, parseNumberOption } from '../output.js';
import { STRICT_HELP, stderrWarner } from '../warnings.js';

const fmt = (v: number | null, unit: string): string => (v === null ? 'n/a' : `${v} ${unit}`);

/** Human-readable report of a measurement. */
export function formatMeasurement(m: Measurement): string {
  const z = (k: keyof Measurement['z']): string => (m.z[k] === null ? '' : ` (z ${m.z[k]!.toFixed(2)})`);
  const lines = [
    `HR ${fmt(m.hr_bpm, 'bpm')}${z('hr')}   PR ${fmt(m.pr_ms, 'ms')}${z('pr')}   QRS ${fmt(m.qrs_ms, 'ms')}${z('qrs')}`,
    `QT ${fmt(m.qt_ms, 'ms')}   QTc Bazett ` +
      `${fmt(m.qtc_bazett_ms, 'ms')}${z('qtc')}   QTc Fridericia ` +
      `${fmt(m.qtc_fridericia_ms, 'ms')}`,
    `RR: ${m.rr.n} intervals, RMSSD ${Math.round(m.rr.rmssd_ms)} ms, CV ` +
      `${m.rr.cv.toFixed(3)}, TPR ${m.rr.tpr.toFixed(2)}, pNN50 ` +
      `${Number.isFinite(m.rr.pnn50) ? m.rr.pnn50.toFixed(2) : 'n/a'}, SampEn ` +
      `${m.rr.sample_entropy?.toFixed(2) ?? 'n/a'}; P-wave repeatability ` +
      `${m.p_wave_repeatability?.toFixed(2) ?? 'n/a'}`,
    `norms: ${m.norms ?? 'none'}; leads: ${m.leads.join(' ')}; ` +
      `${m.beats.detected} beats (${m.beats.in_median_beat} in the median beat)`,
    ...m.flags.map((f) => `flag ${f.code}: ${f.text}`),
    ...Object.entries(m.reasons).map(([k, v]) => `note ${k}: ${v}`),
  ];
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('measure')
    .description(
      'measure HR, PR, QRS, QT and QTc of a recording (WFDB, EDF, CSV, ' +
        'DICOM, SCP-ECG), with age-normalised z-scores and flags',
    )
    .argument('<record>', 'recording of any format, or a WFDB record path with or without .hea')
    .option('--age-years <years>', "age in decimal years (enables the age norms; default: the file's own age)")
    .option('--sex <M|F>', "sex for the norms (default: the file's own sex)")
    .option('--norms <file>', 'norm table JSON (default: data/norms/rijnbeek2001.json)')
    .option('--strict', STRICT_HELP)
    .option('--json', 'print JSON')
    .action(
      (record: string, opts: { ageYears?: string; sex?: string; norms?: string; strict?: boolean; json?: boolean }) => {
        const ageYears =
          opts.ageYears === undefined
            ? undefined
            : parseNumberOption('--age-years', opts.ageYears, { min: 0, max: 130 });
        if (opts.sex !== undefined && opts.sex !== 'M' && opts.sex !== 'F')
          throw new UsageError(`option --sex: expected M or F, got '${opts.sex}'`);
        const norms = opts.norms === undefined ? defaultNormTable() : readNormTable(opts.norms);
        const ecg = loadEcg(record, { strict: opts.strict, onWarning: stderrWarner() });
        // the file's own age and sex (hospital exports carry them) unless given on the command line
        const m = measureEcg(ecg, {
          ageYears: ageYears ?? ecg.meta?.ageYears,
          sex: (opts.sex as 'M' | 'F' | undefined) ?? ecg.meta?.sex,
          norms,
        });
        emit(m, opts, formatMeasurement);
      },
    );
}
