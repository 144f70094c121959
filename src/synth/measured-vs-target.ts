import { measureEcg, type Measurement } from '../signal/measure-ecg.js';
import { defaultNormTable } from '../signal/norms/default-norms.js';
import { detectQrsMultiLead } from '../signal/qrs/detect-qrs-multi-lead.js';
import { ageBandOf } from '../clinical/age-bands.js';
import { COHORT_AGE_BANDS } from './age-bands.js';
import { normsFor } from './age-norms.js';
import type { ClassId } from './classes.js';
import type { CohortRecording } from './cohort.js';
import { median } from '../util/median.js';

/** Classes whose every beat is conducted from a visible P with one QRS shape: HR, PR, QRS and QTc are all defined. */
export const INTERVAL_CLASSES: readonly ClassId[] = [
  'nsr',
  'rsa',
  'sinus_tachy',
  'sinus_brady',
  'avb1',
  'lqts',
  'brugada',
  'eat',
];

/** One recording measured by fewbeat's signal layer next to what the generator put in. */
export interface MeasuredRecording {
  readonly record: string;
  readonly classId: ClassId;
  readonly ageYears: number;
  readonly sex: 'M' | 'F';
  readonly target: CohortRecording['truth'];
  readonly measured: Measurement;
  /** RR pauses longer than 1.4× the 10th-percentile RR, from R peaks detected on all leads (dropped beats). */
  readonly pauses: number;
}

/** Measure one generated recording with `measureEcg` (Rijnbeek norms) and count its pauses. */
export function measureRecording(r: CohortRecording): MeasuredRecording {
  const measured = measureEcg(r.ecg, { ageYears: r.ageYears, sex: r.sex, norms: defaultNormTable() });
  const peaks = detectQrsMultiLead(r.ecg.signals, r.ecg.fs);
  const rr = Array.from(peaks)
    .slice(1)
    .map((p, i) => p - peaks[i]!);
  const short = [...rr].sort((a, b) => a - b)[Math.floor(0.1 * rr.length)] ?? 0;
  return {
    record: r.record,
    classId: r.classId,
    ageYears: r.ageYears,
    sex: r.sex,
    target: r.truth,
    measured,
    pauses: rr.filter((x) => x > 1.4 * short).length,
  };
}

type Quantity = 'hr' | 'pr' | 'qrs' | 'qtc';
const TARGET: Record<Quantity, (m: MeasuredRecording) => number | null> = {
  hr: (m) => m.target.hrBpm,
  pr: (m) => m.target.prMs,
  qrs: (m) => m.target.qrsMs,
  qtc: (m) => m.target.qtcMs,
};
const MEASURED: Record<Quantity, (m: MeasuredRecording) => number | null> = {
  hr: (m) => m.measured.hr_bpm,
  pr: (m) => m.measured.pr_ms,
  qrs: (m) => m.measured.qrs_ms,
  qtc: (m) => m.measured.qtc_bazett_ms,
};

/**
 * Per age band and quantity: median target and median measured over the recordings where the
 * quantity was measured (all recordings when none was), median |error|, and the share measured.
 */
export interface AgreementCell {
  readonly n: number;
  readonly target: number;
  readonly measured: number;
  readonly medianAbsError: number;
  readonly measuredShare: number;
}

/** Agreement of measured with target values, per age band, over the interval classes. */
export function agreementByAgeBand(rows: readonly MeasuredRecording[]): Map<string, Record<Quantity, AgreementCell>> {
  const out = new Map<string, Record<Quantity, AgreementCell>>();
  for (const band of COHORT_AGE_BANDS) {
    const inBand = rows.filter((r) => INTERVAL_CLASSES.includes(r.classId) && ageBandOf(r.ageYears) === band.id);
    if (inBand.length === 0) continue;
    const cell = (q: Quantity): AgreementCell => {
      const pairs = inBand.flatMap((r) => {
        const t = TARGET[q](r);
        const m = MEASURED[q](r);
        return t === null ? [] : [[t, m] as const];
      });
      const both = pairs.filter((p): p is readonly [number, number] => p[1] !== null);
      return {
        n: pairs.length,
        target: median((both.length ? both : pairs).map((p) => p[0])),
        measured: median(both.map((p) => p[1])),
        medianAbsError: median(both.map((p) => Math.abs(p[1] - p[0]))),
        measuredShare: pairs.length ? both.length / pairs.length : Number.NaN,
      };
    };
    out.set(band.label, { hr: cell('hr'), pr: cell('pr'), qrs: cell('qrs'), qtc: cell('qtc') });
  }
  return out;
}

/** The diagnostic checks of the issue, as shares of recordings (target = in the generator, measured = by fewbeat). */
export interface MechanismChecks {
  /**
   * WPW: PR below the age's 2nd percentile, in the target and as measured
   * (of those with a measured PR), and the share with a measured PR.
   */
  readonly wpwShortPr: {
    readonly n: number;
    readonly target: number;
    readonly measured: number;
    readonly measuredShare: number;
  };
  /**
   * Long QT: QTc above 470 ms (target; measured, of those with a measured QTc), the share with a measured QTc, and the
   * false-positive share among normal sinus rhythm.
   */
  readonly longQt: {
    readonly n: number;
    readonly target: number;
    readonly measured: number;
    readonly measuredShare: number;
    readonly nsrMeasured: number;
  };
  /** SVT: HR within 220–300 bpm (infants) or 150–250 bpm (older), target and measured. */
  readonly svtRate: { readonly n: number; readonly target: number; readonly measured: number };
  /**
   * Mobitz I / II: dropped beats in the target vs pauses detected on the ECG (share with the same
   * count, and within one), over records without 2:1 cycles (2:1 block leaves no pause to see).
   */
  readonly mobitz1Drops: { readonly n: number; readonly exact: number; readonly withinOne: number };
  readonly mobitz2Drops: { readonly n: number; readonly exact: number; readonly withinOne: number };
}

const share = <T>(xs: readonly T[], p: (x: T) => boolean): number =>
  xs.length ? xs.filter(p).length / xs.length : Number.NaN;

function svtInRange(ageYears: number, hr: number | null): boolean {
  if (hr === null) return false;
  return ageYears < 1 ? hr >= 220 && hr <= 300 : hr >= 150 && hr <= 250;
}

/** Dropped beats of a record: one per completed block cycle inside it (conduction ratios n:(n−1)). */
function droppedBeats(m: MeasuredRecording): number {
  return m.target.conductionRatios.length;
}

export function mechanismChecks(rows: readonly MeasuredRecording[]): MechanismChecks {
  const of = (c: ClassId): MeasuredRecording[] => rows.filter((r) => r.classId === c);
  const wpw = of('wpw');
  const p2 = (r: MeasuredRecording): number => normsFor(r.ageYears, r.sex).pr.p2;
  const wpwMeasured = wpw.filter((r) => r.measured.pr_ms !== null);
  const lqts = of('lqts');
  const svt = of('svt');
  const drops = (c: ClassId): { n: number; exact: number; withinOne: number } => {
    const xs = of(c).filter((r) => !r.target.conductionRatios.includes('2:1'));
    return {
      n: xs.length,
      exact: share(xs, (r) => r.pauses === droppedBeats(r)),
      withinOne: share(xs, (r) => Math.abs(r.pauses - droppedBeats(r)) <= 1),
    };
  };
  return {
    wpwShortPr: {
      n: wpw.length,
      target: share(wpw, (r) => r.target.prMs !== null && r.target.prMs < p2(r)),
      measured: share(wpwMeasured, (r) => r.measured.pr_ms! < p2(r)),
      measuredShare: share(wpw, (r) => r.measured.pr_ms !== null),
    },
    longQt: {
      n: lqts.length,
      target: share(lqts, (r) => (r.target.qtcMs ?? 0) > 470),
      measured: share(
        lqts.filter((r) => r.measured.qtc_bazett_ms !== null),
        (r) => r.measured.qtc_bazett_ms! > 470,
      ),
      measuredShare: share(lqts, (r) => r.measured.qtc_bazett_ms !== null),
      nsrMeasured: share(of('nsr'), (r) => (r.measured.qtc_bazett_ms ?? 0) > 470),
    },
    svtRate: {
      n: svt.length,
      target: share(svt, (r) => svtInRange(r.ageYears, r.target.hrBpm)),
      measured: share(svt, (r) => svtInRange(r.ageYears, r.measured.hr_bpm)),
    },
    mobitz1Drops: drops('avb2_mobitz1'),
    mobitz2Drops: drops('avb2_mobitz2'),
  };
}
