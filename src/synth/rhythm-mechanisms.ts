import { Rng } from '../util/rng.js';
import type { ClassId } from './classes.js';
import type { PatientPhysiology } from './patient-physiology.js';
import type { AtrialEvent, AtrialKind, RhythmSchedule, VentricularEvent, VentricularKind } from './rhythm-events.js';
import { Pacemaker, type SinusDrive } from './rr-process.js';

/**
 * Rhythm mechanisms: for each class, where atrial and ventricular depolarisations come from and how
 * they are coupled, with age-dependent rates (docs/synthetic-cohort.md; Park MK, Park's Pediatric
 * Cardiology for Practitioners, 6th ed., ch. 24–25; Walsh EP, Saul JP, Triedman JK, Cardiac
 * Arrhythmias in Children and Young Adults with Congenital Heart Disease, 2001).
 *
 * Each mechanism reads its persistent parameters (rates, ratios, foci, patterns) from `traits`, a
 * generator re-seeded from the patient, so that a child's recordings share them; `rng` varies per
 * recording (phases, jitter, where an episode starts).
 */
export interface MechanismInput {
  readonly patient: PatientPhysiology;
  /** Sinus rate of this recording, bpm (the patient's rate with a per-recording state shift). */
  readonly sinusHr: number;
  /** Record length, s. Events are placed from −1.5 s so the record starts mid-rhythm. */
  readonly duration: number;
  readonly traits: Rng;
  readonly rng: Rng;
}

const LEAD_IN = -1.5;

/** Collects events; the QT of each ventricular beat follows Bazett from the preceding RR. */
class ScheduleBuilder {
  readonly atrial: AtrialEvent[] = [];
  readonly ventricular: VentricularEvent[] = [];
  readonly conductionRatios: string[] = [];
  private lastVentricular: number | null = null;

  constructor(
    private readonly patient: PatientPhysiology,
    private readonly nominalRr: number,
    private readonly ventricularQrs: number,
  ) {}

  p(onset: number, kind: AtrialKind, cycle = 0, weight = 1): void {
    this.atrial.push({ onset, kind, cycle, weight });
  }

  /** A QRS-T at `onset`; QT = QTc·√RR (× 1.1 for ventricular beats, whose repolarisation is longer). */
  qrs(onset: number, kind: VentricularKind, pr: number | null): void {
    const rr = this.lastVentricular === null ? this.nominalRr : Math.max(0.15, onset - this.lastVentricular);
    this.lastVentricular = onset;
    const p = this.patient;
    const qrsDuration =
      kind === 'ventricular'
        ? this.ventricularQrs
        : kind === 'preexcited'
          ? p.qrs + 0.6 * p.morphology.deltaDuration
          : p.qrs;
    const qt = p.qtc * Math.sqrt(rr) * (kind === 'ventricular' ? 1.1 : 1);
    this.ventricular.push({ onset, kind, qrsDuration, qt: Math.max(qt, qrsDuration + 0.08), pr });
  }

  /** Records a block ratio if the cycle ended inside the record. */
  ratio(text: string, end: number, duration: number): void {
    if (end > 0 && end <= duration) this.conductionRatios.push(text);
  }

  build(): RhythmSchedule {
    this.ventricular.sort((a, b) => a.onset - b.onset);
    this.atrial.sort((a, b) => a.onset - b.onset);
    return { atrial: this.atrial, ventricular: this.ventricular, conductionRatios: this.conductionRatios };
  }
}

function sinusDrive(p: PatientPhysiology, hr: number, rsaScale = 1): SinusDrive {
  return {
    meanHr: hr,
    respRateHz: p.respRateHz,
    rsaFraction: p.rsaFraction * rsaScale,
    lfFraction: p.lfFraction,
    jitterFraction: p.jitterFraction,
  };
}

/** A re-entrant or automatic focus: nearly fixed rate, no respiratory modulation. */
function focusDrive(hr: number, jitter: number): SinusDrive {
  return { meanHr: hr, respRateHz: 0.3, rsaFraction: 0, lfFraction: 0.004, jitterFraction: jitter };
}

/**
 * Wide-complex duration of ventricular-origin beats, s: about
 * 1.6–2.2× the age-normal QRS, ≥ 80 ms in infants, ≥ 120 ms later.
 */
function ventricularQrsDuration(p: PatientPhysiology, traits: Rng): number {
  return Math.max(p.ageYears < 1 ? 0.08 : 0.12, p.qrs * traits.uniform(1.6, 2.2));
}

function builder(input: MechanismInput, nominalHr: number): ScheduleBuilder {
  return new ScheduleBuilder(input.patient, 60 / nominalHr, ventricularQrsDuration(input.patient, input.traits));
}

/**
 * Sinus rhythm, every P conducted with the patient's PR (NSR, RSA, sinus
 * tachycardia/bradycardia, first-degree block, long QT, Brugada, WPW).
 */
function conductedSinus(input: MechanismInput, kind: VentricularKind = 'normal'): RhythmSchedule {
  const { patient, sinusHr, rng } = input;
  const b = builder(input, sinusHr);
  for (const t of new Pacemaker(sinusDrive(patient, sinusHr), rng).beats(LEAD_IN, input.duration)) {
    b.p(t, 'sinus');
    const pr = patient.pr * (1 + rng.normal(0, 0.01));
    b.qrs(t + pr, kind, pr);
  }
  return b.build();
}

/**
 * Orthodromic AVRT / AVNRT: a fixed-rate circuit, 220–300 bpm in infants and 150–250 bpm in older
 * children, narrow QRS, P hidden in the QRS (AVNRT) or retrograde with a short RP (AVRT). A third of
 * the recordings catch the abrupt onset or termination.
 */
function svt(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const rate =
    patient.ageYears < 1 ? traits.uniform(220, 295) : traits.uniform(165, 245) - 2 * Math.min(patient.ageYears, 16);
  const avrt = traits.bernoulli(0.65);
  const circuit = new Pacemaker(focusDrive(rate, 0.004), rng);
  const rp = Math.min(avrt ? traits.uniform(0.07, 0.11) : traits.uniform(0, 0.02), 0.4 * circuit.meanCycle);
  const b = builder(input, rate);
  const sinus = new Pacemaker(sinusDrive(patient, input.sinusHr), rng);
  const reentry = (from: number, to: number): void => {
    for (let t = from; t < to; t += circuit.cycleAfter(t)) {
      b.qrs(t, 'normal', null);
      b.p(t + rp, 'retrograde');
    }
  };
  const sinusRhythm = (from: number, to: number): void => {
    for (const t of sinus.beats(from, to)) {
      b.p(t, 'sinus');
      b.qrs(t + patient.pr, 'normal', patient.pr);
    }
  };
  if (!rng.bernoulli(0.33)) {
    reentry(LEAD_IN + rng.uniform(0, circuit.meanCycle), duration);
  } else if (rng.bernoulli(0.5)) {
    // Abrupt onset: sinus rhythm, then the circuit starts with a premature beat.
    const onset = rng.uniform(2, duration - 3);
    sinusRhythm(LEAD_IN, onset - patient.pr - 0.3 * sinus.meanCycle);
    reentry(onset, duration);
  } else {
    // Abrupt termination, a pause, then sinus rhythm resumes.
    const end = rng.uniform(3, duration - 2);
    reentry(LEAD_IN + rng.uniform(0, circuit.meanCycle), end);
    sinusRhythm(end + rng.uniform(0.2, 0.6), duration);
  }
  return b.build();
}

/**
 * Atrial flutter: macro-re-entry at 380–460/min in neonates (180–260/min after surgery in older children), with 2:1,
 * 3:1, 4:1 or variable AV conduction.
 */
function atrialFlutter(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const cycle = patient.ageYears < 0.25 ? 60 / traits.uniform(380, 460) : 60 / traits.uniform(250, 340);
  const mode = traits.weighted([0.45, 0.2, 0.35]);
  const fixed = mode === 1 ? traits.pick([3, 4]) : 2;
  const avDelay = traits.uniform(0.1, 0.16);
  const b = builder(input, 60 / (cycle * fixed));
  let t = LEAD_IN + rng.uniform(0, cycle);
  let k = 0;
  let n = mode === 2 ? rng.pick([2, 2, 3, 4]) : fixed;
  while (t < duration) {
    b.p(t, 'flutter', cycle);
    if (k === 0) b.qrs(t + avDelay * (1 + rng.normal(0, 0.03)), 'normal', avDelay);
    k += 1;
    t += cycle * (1 + rng.normal(0, 0.005));
    if (k === n) {
      b.ratio(`${n}:1`, t, duration);
      k = 0;
      n = mode === 2 ? rng.pick([2, 2, 3, 4]) : fixed;
    }
  }
  return b.build();
}

/** Ectopic atrial tachycardia: an automatic atrial focus with an abnormal P axis, faster than sinus, with warm-up. */
function ectopicAtrialTachycardia(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const rate = Math.max(input.sinusHr * traits.uniform(1.25, 1.6), patient.hrBpm * 1.3);
  const focus = new Pacemaker({ ...focusDrive(rate, 0.012), lfFraction: 0.02 }, rng);
  const warmUp = rng.bernoulli(0.3);
  const pr = patient.pr * traits.uniform(1.0, 1.15);
  const b = builder(input, rate);
  let t = LEAD_IN + rng.uniform(0, focus.meanCycle);
  let beat = 0;
  while (t < duration) {
    b.p(t, 'ectopic');
    b.qrs(t + pr, 'normal', pr);
    t += focus.cycleAfter(t) * (warmUp ? 1 + 0.45 * Math.exp(-beat / 4) : 1);
    beat += 1;
  }
  return b.build();
}

/**
 * A pacemaker below the AV node drives the ventricles while the sinus node drives the atria
 * independently (AV dissociation): junctional ectopic tachycardia, complete heart block with a
 * junctional or ventricular escape, ventricular tachycardia. Optionally 1:1 retrograde VA conduction.
 */
function dissociated(
  input: MechanismInput,
  kind: VentricularKind,
  rate: number,
  atrialRate: number,
  retrograde: boolean,
): RhythmSchedule {
  const { patient, rng, duration } = input;
  const b = builder(input, rate);
  const ventricular = new Pacemaker(focusDrive(rate, 0.01), rng);
  const ventriculoAtrial = input.traits.uniform(0.06, 0.1);
  for (const t of ventricular.beats(LEAD_IN, duration)) {
    b.qrs(t, kind, null);
    if (retrograde) b.p(t + ventriculoAtrial, 'retrograde');
  }
  if (!retrograde)
    for (const t of new Pacemaker(sinusDrive(patient, atrialRate), rng).beats(LEAD_IN, duration)) b.p(t, 'sinus');
  return b.build();
}

/**
 * Junctional ectopic tachycardia after cardiac surgery: narrow QRS
 * at 170–260 bpm, AV dissociation or 1:1 retrograde conduction.
 */
function jet(input: MechanismInput): RhythmSchedule {
  const { patient, traits } = input;
  const rate = patient.ageYears < 2 ? traits.uniform(175, 260) : traits.uniform(150, 210);
  return dissociated(
    input,
    'normal',
    rate,
    Math.min(input.sinusHr, rate * traits.uniform(0.6, 0.9)),
    traits.bernoulli(0.2),
  );
}

/**
 * Congenital complete heart block: junctional escape (narrow, 50–80 bpm in
 * infants) or ventricular escape (wide, 40–60 bpm in infants, 30–50 later).
 */
function completeHeartBlock(input: MechanismInput): RhythmSchedule {
  const { patient, traits } = input;
  const junctional = traits.bernoulli(0.75);
  const infant = patient.ageYears < 1;
  const rate = junctional
    ? infant
      ? traits.uniform(50, 80)
      : traits.uniform(40, 65)
    : infant
      ? traits.uniform(40, 60)
      : traits.uniform(30, 50);
  return dissociated(
    input,
    junctional ? 'normal' : 'ventricular',
    rate,
    input.sinusHr * traits.uniform(1.0, 1.15),
    false,
  );
}

/**
 * Monomorphic ventricular tachycardia, 150–230 bpm (200–280 in infants),
 * AV dissociation; a quarter are non-sustained runs within sinus rhythm.
 */
function ventricularTachycardia(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const rate = patient.ageYears < 1 ? traits.uniform(200, 280) : traits.uniform(150, 230);
  if (!traits.bernoulli(0.25)) return dissociated(input, 'ventricular', rate, input.sinusHr, false);
  const b = builder(input, input.sinusHr);
  const sinus = new Pacemaker(sinusDrive(patient, input.sinusHr), rng);
  const runStart = rng.uniform(1, duration - 4);
  let t = LEAD_IN + rng.uniform(0, sinus.meanCycle);
  let inRun = false;
  while (t < duration) {
    if (!inRun && t + patient.pr >= runStart) {
      const count = rng.int(4, 12);
      let v = Math.max(
        runStart,
        b.ventricular.length
          ? (b.ventricular[b.ventricular.length - 1] as VentricularEvent).onset + 0.6 * sinus.meanCycle
          : runStart,
      );
      for (let i = 0; i < count; i++) {
        b.qrs(v, 'ventricular', null);
        v += 60 / rate;
      }
      while (t < v) {
        b.p(t, 'sinus');
        t += sinus.cycleAfter(t);
      }
      inRun = true;
      continue;
    }
    b.p(t, 'sinus');
    b.qrs(t + patient.pr, 'normal', patient.pr);
    t += sinus.cycleAfter(t);
  }
  return b.build();
}

/** Premature beats within sinus rhythm: isolated, bigeminy, trigeminy (and couplets for PVCs). */
type EctopyPattern = 'isolated' | 'bigeminy' | 'trigeminy' | 'couplets';

function drawPattern(traits: Rng, ventricular: boolean): EctopyPattern {
  const patterns: EctopyPattern[] = ventricular
    ? ['isolated', 'bigeminy', 'trigeminy', 'couplets']
    : ['isolated', 'bigeminy', 'trigeminy'];
  return patterns[traits.weighted(ventricular ? [0.5, 0.25, 0.15, 0.1] : [0.65, 0.2, 0.15])] as EctopyPattern;
}

function isPrematureHere(pattern: EctopyPattern, beat: number, phase: number, pIsolated: number, rng: Rng): boolean {
  if (pattern === 'bigeminy') return (beat + phase) % 2 === 0;
  if (pattern === 'trigeminy') return (beat + phase) % 3 === 0;
  return rng.bernoulli(pIsolated);
}

/**
 * PACs: an early ectopic P (coupling 55–80 % of RR), usually conducted
 * with a narrow QRS (10 % blocked), resetting the sinus node.
 */
function prematureAtrial(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const pattern = drawPattern(traits, false);
  const coupling = traits.uniform(0.55, 0.8);
  const pIsolated = traits.uniform(0.1, 0.25);
  const phase = rng.int(0, 2);
  const b = builder(input, input.sinusHr);
  const sinus = new Pacemaker(sinusDrive(patient, input.sinusHr), rng);
  let t = LEAD_IN + rng.uniform(0, sinus.meanCycle);
  let beat = 0;
  while (t < duration) {
    b.p(t, 'sinus');
    b.qrs(t + patient.pr, 'normal', patient.pr);
    const rr = sinus.cycleAfter(t);
    if (isPrematureHere(pattern, beat, phase, pIsolated, rng)) {
      const tPac = t + coupling * rr;
      b.p(tPac, 'ectopic');
      const pr = patient.pr * rng.uniform(1.05, 1.25);
      if (!rng.bernoulli(0.1)) b.qrs(tPac + pr, 'normal', pr);
      t = tPac + rr * rng.uniform(1.0, 1.1);
    } else t += rr;
    beat += 1;
  }
  return b.build();
}

/**
 * PVCs: an early wide QRS without a P (coupling 45–75 % of RR), the sinus node undisturbed (fully compensatory pause).
 */
function prematureVentricular(input: MechanismInput): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const pattern = drawPattern(traits, true);
  const coupling = traits.uniform(0.45, 0.75);
  const pIsolated = traits.uniform(0.1, 0.25);
  const phase = rng.int(0, 2);
  const b = builder(input, input.sinusHr);
  const times = new Pacemaker(sinusDrive(patient, input.sinusHr), rng).beats(LEAD_IN, duration);
  let skip = false;
  times.forEach((t, i) => {
    b.p(t, 'sinus');
    if (skip) {
      skip = false;
      return;
    }
    b.qrs(t + patient.pr, 'normal', patient.pr);
    const next = times[i + 1];
    if (next === undefined || !isPrematureHere(pattern === 'couplets' ? 'isolated' : pattern, i, phase, pIsolated, rng))
      return;
    const rr = next - t;
    const tPvc = t + patient.pr + coupling * rr;
    b.qrs(tPvc, 'ventricular', null);
    if (pattern === 'couplets') b.qrs(tPvc + coupling * rr * 0.9, 'ventricular', null);
    skip = true;
  });
  return b.build();
}

/**
 * Second-degree AV block. Mobitz I (Wenckebach): the PR lengthens by decreasing increments until a
 * P is not conducted (ratios 3:2 to 5:4). Mobitz II: a fixed PR with suddenly dropped P waves
 * (2:1, 3:2, 4:3).
 */
function secondDegreeBlock(input: MechanismInput, wenckebach: boolean): RhythmSchedule {
  const { patient, traits, rng, duration } = input;
  const choices = wenckebach ? [3, 4, 5] : [2, 3, 4];
  const weights = wenckebach ? [0.35, 0.4, 0.25] : [0.4, 0.35, 0.25];
  const preferred = choices[traits.weighted(weights)] as number;
  const firstIncrement = traits.uniform(0.05, 0.1);
  const basePr = patient.pr * (wenckebach ? traits.uniform(1.0, 1.2) : traits.uniform(1.0, 1.15));
  const times = new Pacemaker(sinusDrive(patient, input.sinusHr, 0.5), rng).beats(LEAD_IN, duration);
  const b = builder(input, (input.sinusHr * (preferred - 1)) / preferred);
  let n = preferred;
  let k = rng.int(0, n - 1);
  for (const t of times) {
    b.p(t, 'sinus');
    if (k < n - 1) {
      const pr = wenckebach ? basePr + (firstIncrement * (1 - 0.5 ** k)) / 0.5 : basePr;
      b.qrs(t + pr, 'normal', pr);
      k += 1;
    } else {
      b.ratio(`${n}:${n - 1}`, t, duration);
      k = 0;
      n = rng.bernoulli(0.75) ? preferred : (choices[rng.int(0, choices.length - 1)] as number);
    }
  }
  return b.build();
}

/** Atrial fibrillation: fibrillatory waves at 350–550/min, irregularly irregular ventricular response, no P waves. */
function atrialFibrillation(input: MechanismInput): RhythmSchedule {
  const { traits, rng, duration } = input;
  const meanHr = traits.uniform(90, 165);
  const cv = traits.uniform(0.15, 0.3);
  const fCycle = 60 / traits.uniform(350, 550);
  const b = builder(input, meanHr);
  let sign = 1;
  for (let t = LEAD_IN; t < duration; t += fCycle * rng.uniform(0.75, 1.25)) {
    b.p(t, 'fibrillation', fCycle, sign * rng.uniform(0.4, 1.2));
    sign = -sign;
  }
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  for (
    let t = LEAD_IN + rng.uniform(0, 0.5);
    t < duration;
    t += Math.max(0.24, (60 / meanHr) * Math.exp(rng.normal((-sigma * sigma) / 2, sigma)))
  ) {
    b.qrs(t, 'normal', null);
  }
  return b.build();
}

/** The mechanism of each class. */
export const MECHANISMS: Readonly<Record<ClassId, (input: MechanismInput) => RhythmSchedule>> = {
  nsr: (i) => conductedSinus(i),
  rsa: (i) => conductedSinus(i),
  sinus_tachy: (i) => conductedSinus(i),
  sinus_brady: (i) => conductedSinus(i),
  avb1: (i) => conductedSinus(i),
  lqts: (i) => conductedSinus(i),
  brugada: (i) => conductedSinus(i),
  wpw: (i) => conductedSinus(i, 'preexcited'),
  svt,
  aflutter: atrialFlutter,
  eat: ectopicAtrialTachycardia,
  jet,
  chb: completeHeartBlock,
  vt: ventricularTachycardia,
  pac: prematureAtrial,
  pvc: prematureVentricular,
  avb2_mobitz1: (i) => secondDegreeBlock(i, true),
  avb2_mobitz2: (i) => secondDegreeBlock(i, false),
  afib: atrialFibrillation,
};

/** The rhythm of one recording of `patient`; `recordingRng` varies per recording, the traits do not. */
export function scheduleRhythm(
  patient: PatientPhysiology,
  sinusHr: number,
  duration: number,
  recordingRng: Rng,
): RhythmSchedule {
  return MECHANISMS[patient.classId]({
    patient,
    sinusHr,
    duration,
    traits: new Rng(patient.traitSeed),
    rng: recordingRng,
  });
}
