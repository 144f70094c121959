import { isFewbeatError } from '../errors.js';
import { SYNTH_CLINICAL_SCHEMA } from './clinical-fields.js';
import { clinicalSeparability, type LabelledContext } from './clinical-separability.js';
import type { CohortRecording } from './cohort.js';
import {
  agreementByAgeBand,
  INTERVAL_CLASSES,
  measureRecording,
  mechanismChecks,
  type MeasuredRecording,
} from './measured-vs-target.js';
import { POWER_BANDS, spread, summariseEcg, type EcgSummary } from './realism.js';
import { crossValidatedSoftmax, patientFolds } from './softmax-regression.js';

/** A named set of real recordings' summaries, for the realism comparison. */
export interface RealSet {
  readonly name: string;
  readonly summaries: readonly EcgSummary[];
}

/**
 * Collects what the validation report needs while a cohort is generated, one recording at a time
 * (the signals themselves are not kept).
 */
export class ValidationCollector {
  readonly measured: MeasuredRecording[] = [];
  readonly contexts: LabelledContext[] = [];
  readonly summaries: Array<{ readonly ageYears: number; readonly summary: EcgSummary }> = [];
  private readonly patients: string[] = [];

  /** Recordings `measureEcg` could not measure (fewer than two detectable beats). */
  unmeasurable = 0;

  add(r: CohortRecording): void {
    try {
      this.measured.push(measureRecording(r));
    } catch (e) {
      if (!isFewbeatError(e)) throw e;
      this.unmeasurable += 1;
      return;
    }
    this.contexts.push({
      patientId: r.patientId,
      label: r.classId,
      input: { ageYears: r.ageYears, sex: r.sex, clinical: r.clinical },
    });
    this.summaries.push({ ageYears: r.ageYears, summary: summariseEcg(r.ecg) });
    this.patients.push(r.patientId);
  }

  /**
   * Balanced accuracy of softmax regression on a few ECG measurements
   * alone (HR, PR, QRS, QTc, RR irregularity), patient-grouped 5-fold CV.
   */
  ecgMeasurementSeparability(iterations = 300): number {
    const labels = [...new Set(this.measured.map((m) => m.classId))].sort();
    const x = this.measured.map(({ measured: m }) => {
      const v = (a: number | null): [number, number] => (a === null || !Number.isFinite(a) ? [0, 1] : [a, 0]);
      return Float64Array.from([
        ...v(m.hr_bpm),
        ...v(m.pr_ms),
        ...v(m.qrs_ms),
        ...v(m.qtc_bazett_ms),
        ...v(m.rr.cv),
        ...v(m.rr.mean_ms > 0 ? m.rr.rmssd_ms / m.rr.mean_ms : null),
        ...v(m.rr.tpr),
        ...v(m.rr.sample_entropy),
      ]);
    });
    return crossValidatedSoftmax(
      x,
      this.measured.map((m) => labels.indexOf(m.classId)),
      labels.length,
      patientFolds(this.patients, 5),
      { iterations },
    );
  }
}

const f0 = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : '–');
const spreadText = (s: ReturnType<typeof spread>, digits = 0): string =>
  s.n ? `${s.median.toFixed(digits)} (${s.q1.toFixed(digits)}–${s.q3.toFixed(digits)})` : '–';

/**
 * The VALIDATION.md report: measured vs target, mechanism checks, clinical-only baselines, realism against real data.
 */
export function validationReport(c: ValidationCollector, real: readonly RealSet[], iterations = 300): string {
  const L: string[] = ['# Validation of the synthetic cohort', ''];
  L.push(
    `Every recording was measured with fewbeat's own signal layer ` +
      `(\`measureEcg\`: multi-lead QRS detection, median beats, multi-lead ` +
      `delineation; Rijnbeek 2001 norms) and compared with what the ` +
      `generator put in. ${c.measured.length} ` +
      `recordings${
        c.unmeasurable
          ? `; ${c.unmeasurable} could not be measured (fewer than two detectable beats) and are left out`
          : ''
      }.`,
    '',
  );
  L.push(`### Measured vs target per age band (${INTERVAL_CLASSES.join(', ')})`, '');
  L.push(
    'Median target → median measured over the recordings where the value ' +
      'was measured (median absolute error); PR and QTc also the share of ' +
      'recordings where the delineator found the boundary.',
    '',
  );
  L.push('| age band | n | HR (bpm) | PR (ms) | QRS (ms) | QTc (ms) |', '|---|---:|---|---|---|---|');
  for (const [band, q] of agreementByAgeBand(c.measured)) {
    const cell = (x: typeof q.hr, share: boolean): string =>
      `${f0(x.target)} → ${f0(x.measured)} (${f0(x.medianAbsError)})${share ? `, ${pct(x.measuredShare)}` : ''}`;
    L.push(
      `| ${band} | ${q.hr.n} | ${cell(q.hr, false)} | ${cell(q.pr, true)} ` +
        `| ${cell(q.qrs, false)} | ${cell(q.qtc, true)} |`,
    );
  }
  const k = mechanismChecks(c.measured);
  L.push('', '### Mechanism checks', '', '| check | n | generator | measured by fewbeat |', '|---|---:|---:|---:|');
  L.push(
    `| WPW: PR below the age's 2nd percentile | ${k.wpwShortPr.n} | ` +
      `${pct(k.wpwShortPr.target)} | ${pct(k.wpwShortPr.measured)} of ` +
      `${pct(k.wpwShortPr.measuredShare)} with a measured PR |`,
  );
  L.push(
    `| Long QT: QTc > 470 ms | ${k.longQt.n} | ${pct(k.longQt.target)} | ` +
      `${pct(k.longQt.measured)} of ${pct(k.longQt.measuredShare)} with a ` +
      `measured QTc (NSR: ${pct(k.longQt.nsrMeasured)}) |`,
  );
  L.push(
    `| SVT: 220–300 bpm (< 1 y), 150–250 bpm (older) | ${k.svtRate.n} | ` +
      `${pct(k.svtRate.target)} | ${pct(k.svtRate.measured)} |`,
  );
  L.push(
    `| Mobitz I: dropped beats = pauses on the ECG (±1) | ` +
      `${k.mobitz1Drops.n} | 3:2–5:4 | ${pct(k.mobitz1Drops.exact)} ` +
      `(${pct(k.mobitz1Drops.withinOne)}) |`,
  );
  L.push(
    `| Mobitz II (no 2:1 cycles): dropped beats = pauses on the ECG (±1) ` +
      `| ${k.mobitz2Drops.n} | 2:1–4:3 | ${pct(k.mobitz2Drops.exact)} ` +
      `(${pct(k.mobitz2Drops.withinOne)}) |`,
  );
  const clinical = clinicalSeparability(SYNTH_CLINICAL_SCHEMA, c.contexts, 5, iterations);
  const ecg = c.ecgMeasurementSeparability(iterations);
  const top = Object.entries(clinical.perField)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  L.push('', '### How much the clinical context alone gives away', '');
  L.push(
    `Balanced accuracy over ${new Set(c.contexts.map((x) => x.label)).size} classes, 5-fold ` +
      `cross-validation grouped by patient (chance ` +
      `${pct(clinical.chance)}).`,
    '',
  );
  L.push('| classifier | balanced accuracy |', '|---|---:|');
  L.push(
    `| best single clinical field (\`${clinical.bestField.field}\`, ` +
      `lookup) | ${pct(clinical.bestField.balancedAccuracy)} |`,
  );
  L.push(`| softmax regression on all clinical fields (+ missingness indicators) | ${pct(clinical.allFields)} |`);
  L.push(
    `| softmax regression on 8 ECG measurements (HR, PR, QRS, QTc, RR ` +
      `CV, RMSSD/RR, turning points, sample entropy) | ${pct(ecg)} |`,
  );
  L.push('', `Top single fields: ${top.map(([f, v]) => `${f} ${pct(v)}`).join(', ')}.`);
  if (real.length > 0) {
    L.push('', '### Realism: summary statistics against real recordings', '');
    L.push(
      'Median (interquartile range). Amplitude = 99th − 1st percentile ' +
        'after baseline removal; band power = share of lead II power per band.',
      '',
    );
    const adolescent = c.summaries.filter((s) => s.ageYears >= 12).map((s) => s.summary);
    const sets: Array<[string, readonly EcgSummary[]]> = [
      ['synthetic, all ages', c.summaries.map((s) => s.summary)],
      ['synthetic, 12–18 y', adolescent],
      ...real.map((r): [string, readonly EcgSummary[]] => [r.name, r.summaries]),
    ];
    const leads = ['I', 'II', 'V1', 'V2', 'V5'];
    L.push(
      `| set | n | HR (bpm) | QRS (ms) | ` +
        `${leads.map((l) => `${l} (mV)`).join(' | ')} | ` +
        `${POWER_BANDS.map(([a, b]) => `${a}–${b} Hz`).join(' | ')} |`,
    );
    L.push(`|---|---:|---|---|${leads.map(() => '---').join('|')}|${POWER_BANDS.map(() => '---:').join('|')}|`);
    for (const [name, s] of sets) {
      const bands = POWER_BANDS.map((_, i) => pct(spread(s.map((x) => x.bandPower[i])).median));
      L.push(
        `| ${name} | ${s.length} | ` +
          `${spreadText(spread(s.map((x) => x.hrBpm)))} | ` +
          `${spreadText(spread(s.map((x) => x.qrsMs)))} | ` +
          `${leads.map((l) => spreadText(spread(s.map((x) => x.amplitudeMv[l])), 2)).join(' | ')} ` +
          `| ${bands.join(' | ')} |`,
      );
    }
  }
  return `${L.join('\n')}\n`;
}
