import type { Rng } from '../util/rng.js';
import { valueAtAge, type AgeCurve } from './age-curves.js';
import type { Vec3 } from './lead-projection.js';

/**
 * The dipole directions and widths of one patient's waves. Persistent per patient (drawn once from
 * the patient's trait stream), so that several recordings of a child look like the same child.
 *
 * Age dependence (docs/synthetic-cohort.md; Rijnbeek et al. 2001; Davignon et al. 1979/80; Schwartz
 * et al., Eur Heart J 2002 for neonates):
 * - frontal QRS axis: right axis (≈ +120°) in neonates moving to ≈ +60° by childhood;
 * - right-ventricular dominance: the main QRS force points anteriorly (−z) in infants, giving a tall
 *   R in V1 and an RS complex in V6; it turns posterior (+z) over the first years;
 * - T wave: anterior in the first days (upright T in V1), posterior from about day 4–7 (inverted
 *   T in V1–V3) into childhood, partly returning anterior in adolescence (V2–V3 upright again);
 * - amplitudes grow through infancy and peak in childhood (thin chest wall), then fall a little.
 */
export interface Morphology {
  /** Sinus P wave dipole, mV, and duration, s. */
  readonly p: Vec3;
  readonly pDuration: number;
  /** Ectopic atrial focus P wave (EAT, PACs): an abnormal P axis. */
  readonly ectopicP: Vec3;
  /** Retrograde P wave (AVRT, junctional rhythms with VA conduction): superior axis. */
  readonly retrogradeP: Vec3;
  /** Flutter wave dipole (negative sawtooth in II, III, aVF). */
  readonly flutter: Vec3;
  /** Fibrillatory wave dipole, peak amplitude. */
  readonly fibrillation: Vec3;
  /** Normal conduction: septal q, main R, terminal S forces. */
  readonly q: Vec3;
  readonly r: Vec3;
  readonly s: Vec3;
  /** T wave dipole. */
  readonly t: Vec3;
  /** Pre-excitation through an accessory pathway (WPW): delta-wave dipole and duration, s. */
  readonly delta: Vec3;
  readonly deltaDuration: number;
  /** Ventricular ectopic focus (PVC, VT, ventricular escape): main and late forces and T. */
  readonly ventricularMain: Vec3;
  readonly ventricularLate: Vec3;
  readonly ventricularT: Vec3;
  /** Brugada pattern: coved ST elevation over the right ventricular outflow tract (zero when absent). */
  readonly brugadaSt: Vec3;
  /** Long-QT T-wave shape (Moss AJ et al., Circulation 1995;92:2929): 0 = normal. */
  readonly lqtType: 0 | 1 | 2 | 3;
}

const DEG = Math.PI / 180;
const DAY = 1 / 365.25;

/** Median frontal QRS axis, degrees (Davignon 1979; Rijnbeek 2001). */
const QRS_AXIS_DEG: AgeCurve = [
  [3 * DAY, 125],
  [1 / 12, 100],
  [0.25, 80],
  [0.5, 68],
  [1, 62],
  [3, 60],
  [8, 65],
  [12, 63],
  [18, 60],
];
/**
 * Anterior-posterior component of the main QRS force, mV (−: anterior, right-ventricular dominance,
 * tall R in V1; +: posterior, left-ventricular dominance, deep S in V1–V2 and tall R in V5–V6).
 * Children's precordial voltages are large (thin chest wall) while their limb-lead voltages are not.
 */
const QRS_POSTERIOR_MV: AgeCurve = [
  [3 * DAY, -1.2],
  [1 / 12, -0.9],
  [0.25, -0.6],
  [0.5, -0.4],
  [1, -0.1],
  [3, 0.6],
  [5, 1.0],
  [8, 1.25],
  [12, 1.35],
  [18, 1.3],
];
/** Right-ventricular weight of the terminal forces (1: neonatal leftward-posterior terminal S wave in V1). */
const RV_TERMINAL: AgeCurve = [
  [3 * DAY, 0.9],
  [1 / 12, 0.7],
  [0.5, 0.5],
  [1, 0.35],
  [3, 0.2],
  [8, 0.1],
  [18, 0.05],
];
/** Frontal-plane magnitude of the main QRS force as leads I and aVF see it, mV. */
const QRS_FRONTAL_MV: AgeCurve = [
  [3 * DAY, 0.9],
  [0.25, 1.0],
  [1, 1.15],
  [5, 1.3],
  [12, 1.25],
  [18, 1.15],
];
/**
 * Posterior component of the T wave (fraction of its magnitude; the frontal part is about 1.5× the
 * magnitude after the Dower solve): anterior in the first days (upright T in V1), posterior from the
 * first week (T inverted in V1–V3 in young children, V1–V2 at school age), anterior again in
 * adolescence (only V1 inverted).
 */
const T_POSTERIOR: AgeCurve = [
  [3 * DAY, -1.0],
  [7 * DAY, 0.6],
  [1 / 12, 1.0],
  [5, 1.0],
  [8, 0.85],
  [12, 0.5],
  [16, 0.1],
];
/** T-wave magnitude, mV. */
const T_AMPLITUDE: AgeCurve = [
  [3 * DAY, 0.18],
  [0.25, 0.25],
  [1, 0.3],
  [5, 0.35],
  [18, 0.33],
];
/** P-wave duration, s (≈ 50 ms in neonates to ≈ 90 ms in adolescents). */
const P_DURATION: AgeCurve = [
  [3 * DAY, 0.05],
  [1, 0.06],
  [5, 0.072],
  [12, 0.085],
  [18, 0.09],
];

/**
 * The dipole (x, y, z) that leads I and aVF see at hexaxial angle `axisDeg` (0° = leftward, +90° =
 * inferior) with magnitude `magnitude` and posterior component `z` (fraction of the magnitude).
 * Solves the Dower rows of I = [0.632, −0.235, 0.059] and aVF = II − I/2 = [−0.081, 1.1835, −0.1615]
 * for x and y so that the measured frontal axis atan2(aVF, I) is `axisDeg`.
 */
export function dipoleAtFrontalAxis(axisDeg: number, magnitude: number, z: number): Vec3 {
  const zc = z * magnitude;
  const wantI = magnitude * Math.cos(axisDeg * DEG) - 0.059 * zc;
  const wantF = magnitude * Math.sin(axisDeg * DEG) + 0.1615 * zc;
  const det = 0.632 * 1.1835 - -0.235 * -0.081;
  const x = (1.1835 * wantI + 0.235 * wantF) / det;
  const y = (0.081 * wantI + 0.632 * wantF) / det;
  return [x, y, zc];
}

function scale(v: Vec3, k: number): Vec3 {
  return [v[0] * k, v[1] * k, v[2] * k];
}

function mix(a: Vec3, b: Vec3, w: number): Vec3 {
  return [a[0] * (1 - w) + b[0] * w, a[1] * (1 - w) + b[1] * w, a[2] * (1 - w) + b[2] * w];
}

function unit(v: Vec3): Vec3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function jitter(v: Vec3, sd: number, rng: Rng): Vec3 {
  return [v[0] + rng.normal(0, sd), v[1] + rng.normal(0, sd), v[2] + rng.normal(0, sd)];
}

/**
 * Ventricular foci (direction of the main force): RV outflow tract (LBBB-like, inferior axis), LV fascicular
 * (RBBB-like, superior axis), LV free wall.
 */
const VENTRICULAR_FOCI: readonly Vec3[] = [unit([-0.35, 0.8, -0.5]), unit([0.3, -0.75, -0.6]), unit([0.55, 0.3, 0.78])];
/**
 * Accessory-pathway delta-wave directions: left lateral (positive delta in V1), posteroseptal (negative in III, aVF),
 * right free wall (negative delta in V1).
 */
const PATHWAY_DIRECTIONS: readonly Vec3[] = [
  unit([-0.45, 0.45, -0.75]),
  unit([0.45, -0.65, -0.35]),
  unit([0.75, 0.3, 0.55]),
];

/** Draw the persistent morphology of a child of `ageYears` whose arrhythmia class is `classId`. */
export function drawMorphology(ageYears: number, classId: string, rng: Rng): Morphology {
  const habitus = Math.exp(rng.normal(0, 0.2));
  const amp = valueAtAge(QRS_FRONTAL_MV, ageYears) * habitus;
  const axis = valueAtAge(QRS_AXIS_DEG, ageYears) + rng.normal(0, 22);
  const posteriorMv = (valueAtAge(QRS_POSTERIOR_MV, ageYears) + rng.normal(0, 0.2)) * habitus;
  const r = dipoleAtFrontalAxis(axis, amp, posteriorMv / amp);
  const rvTerminal = Math.min(1, Math.max(0, valueAtAge(RV_TERMINAL, ageYears) + rng.normal(0, 0.1)));
  const s = scale(mix(unit([-0.5, -0.45, 0.75]), unit([0.6, 0.1, 0.8]), rvTerminal), amp * rng.uniform(0.18, 0.32));
  const q = scale(unit(jitter([-0.6, -0.1, -0.8], 0.15, rng)), amp * rng.uniform(0.08, 0.16));
  const tAxis = rng.normal(50, 15);
  const tPost = valueAtAge(T_POSTERIOR, ageYears) + rng.normal(0, 0.15);
  const tAmp = valueAtAge(T_AMPLITUDE, ageYears) * Math.exp(rng.normal(0, 0.2));
  const t = dipoleAtFrontalAxis(tAxis, tAmp, tPost);
  const pAmp = rng.uniform(0.12, 0.22);
  const p = dipoleAtFrontalAxis(rng.normal(55, 12), pAmp, -0.2);
  const ectopicAxis = rng.bernoulli(0.6) ? rng.uniform(-100, -20) : rng.uniform(120, 200);
  const ectopicP = dipoleAtFrontalAxis(ectopicAxis, pAmp * rng.uniform(0.8, 1.2), rng.uniform(-0.5, 0.5));
  const retrogradeP = dipoleAtFrontalAxis(rng.normal(-90, 15), rng.uniform(0.08, 0.15), 0.2);
  const flutter = dipoleAtFrontalAxis(rng.normal(-90, 12), rng.uniform(0.15, 0.3), 0.3);
  const fibrillation = dipoleAtFrontalAxis(rng.uniform(0, 360), rng.uniform(0.04, 0.1), rng.uniform(-0.6, 0.6));
  const focus = unit(jitter(rng.pick(VENTRICULAR_FOCI), 0.2, rng));
  const vAmp = amp * rng.uniform(1.1, 1.5);
  const ventricularMain = scale(focus, vAmp);
  const ventricularLate = scale(unit(jitter(focus, 0.4, rng)), vAmp * 0.45);
  const ventricularT = scale(focus, -tAmp * rng.uniform(1.2, 1.8));
  const pathway = unit(jitter(rng.pick(PATHWAY_DIRECTIONS), 0.15, rng));
  const delta = scale(pathway, amp * rng.uniform(0.3, 0.5));
  const brugadaSt =
    classId === 'brugada' ? scale(unit([-0.3, -0.1, -0.95]), rng.uniform(0.25, 0.45)) : ([0, 0, 0] as const);
  const lqtType = classId === 'lqts' ? ((1 + rng.weighted([0.45, 0.4, 0.15])) as 1 | 2 | 3) : 0;
  return {
    p,
    pDuration: valueAtAge(P_DURATION, ageYears) * rng.uniform(0.9, 1.1),
    ectopicP,
    retrogradeP,
    flutter,
    fibrillation,
    q,
    r,
    s,
    t,
    delta,
    deltaDuration: rng.uniform(0.03, 0.05) * (ageYears < 1 ? 0.8 : 1),
    ventricularMain,
    ventricularLate,
    ventricularT,
    brugadaSt,
    lqtType,
  };
}
