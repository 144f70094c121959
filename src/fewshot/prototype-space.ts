import { z } from 'zod';
import { MEASUREMENT_FEATURES, type MeasurementFeature, type MeasurementValues } from '../data/measurements.js';
import type { Embeddings } from './embed.js';
import { totalVariance } from '../util/total-variance.js';

/**
 * The space prototypes and distances live in:
 * - `fused`: z = fuse(h, g), the model's fused embedding;
 * - `ecg+clinical`: the concatenation [h; √α·g], whose squared distance is d(h) + α·d(g) — a
 *   product of an ECG and a clinical nearest-prototype expert, p(c | q) ∝ exp(−d_h − α·d_g), with
 *   the clinical weight α chosen on validation base-class episodes (never on novel classes);
 * - `ecg+measurements`: [ĥ; w·m̃], m̃ the recording's age/sex-normalised measurements (HR, PR,
 *   QRS, QTc z-scores, RR irregularity; standardised with `mean`/`sd`, missing = 0 plus a flag),
 *   w = √(α · Σ_d var(ĥ_d) / Σ_d var(m̃_d)) so that α is the measurements' share of the squared
 *   distance relative to ĥ: p(c | q) ∝ exp(−d_ĥ − α'·d_m). This is where the child's context
 *   transfers to classes never trained on: it turns the ECG's intervals into z-scores for age and
 *   sex, instead of a learnt clinical-to-class association. α is chosen on validation episodes.
 *   ĥ is the ECG embedding centred and L2-normalised ("CL2N", SimpleShot: Wang et al. 2019,
 *   arXiv:1911.04623): ĥ = s·(h − h̄)/‖h − h̄‖, h̄ the mean embedding of the recordings the space is
 *   fitted on (held-out base-class children, labels unused) and s = √(Σ_d var(h_d) / Σ_d var(u_d)),
 *   u = (h − h̄)/‖h − h̄‖, which keeps the spread, hence the softmax temperature, of h. Centring
 *   on the base classes' mean removes the direction all base-class embeddings share, which says
 *   little about which novel class a recording belongs to, and the normalisation stops a few
 *   high-norm recordings from dominating a prototype. `features` names the measurements m̃ holds (a
 *   subset of MEASUREMENT_FEATURES, in that order; `mean`/`sd` follow it).
 */
export const prototypeSpaceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fused') }),
  z.object({ kind: z.literal('ecg+clinical'), alpha: z.number().min(0).finite() }),
  z
    .object({
      kind: z.literal('ecg+measurements'),
      alpha: z.number().min(0).finite(),
      weight: z.number().min(0).finite(),
      mean: z.array(z.number().finite()),
      sd: z.array(z.number().positive().finite()),
      centre: z.array(z.number().finite()),
      scale: z.number().positive().finite(),
      features: z.array(z.enum(MEASUREMENT_FEATURES)),
    })
    .refine((s) => s.mean.length === s.features.length && s.sd.length === s.features.length, {
      message: 'mean and sd need one value per feature',
    }),
]);

export type PrototypeSpace = z.infer<typeof prototypeSpaceSchema>;

/** The candidate spaces the validation choice compares (measurement spaces are fitted per model). */
export const PROTOTYPE_SPACE_CANDIDATES: readonly PrototypeSpace[] = [
  { kind: 'fused' },
  ...[0, 0.03, 0.1, 0.3, 1].map((alpha) => ({ kind: 'ecg+clinical' as const, alpha })),
];

/** Measurement weights α the validation choice compares. */
export const MEASUREMENT_ALPHAS = [0.1, 0.2, 0.4, 0.7, 1] as const;

/** Value of measurement `feature` in a recording's {@link MEASUREMENT_FEATURES}-ordered values (null if absent). */
function valueOf(m: MeasurementValues | null, feature: MeasurementFeature): number | null {
  return m?.[MEASUREMENT_FEATURES.indexOf(feature)] ?? null;
}

/** [2F] standardised measurements with missingness flags: (m_f − mean_f)/sd_f, or 0 and flag 1, for f in `features`. */
function standardisedMeasurements(
  m: MeasurementValues | null,
  features: readonly MeasurementFeature[],
  mean: readonly number[],
  sd: readonly number[],
): Float32Array {
  const v = new Float32Array(2 * features.length);
  features.forEach((feature, f) => {
    const x = valueOf(m, feature);
    if (x === null) v[2 * f + 1] = 1;
    else v[2 * f] = (x - (mean[f] as number)) / (sd[f] as number);
  });
  return v;
}

/**
 * The `ecg+measurements` space at weight α over the measurements `features`, its standardisation
 * fitted on `e` (no labels used). Null when no recording of `e` has measurements.
 */
export function measurementSpace(
  e: Embeddings,
  alpha: number,
  features: readonly MeasurementFeature[] = MEASUREMENT_FEATURES,
): PrototypeSpace | null {
  const measurements = e.measurements ?? [];
  const measured = measurements.filter((m): m is NonNullable<typeof m> => m !== null);
  if (measured.length === 0 || e.ecg.length === 0) return null;
  const mean: number[] = [];
  const sd: number[] = [];
  features.forEach((feature) => {
    const values = measured.map((m) => valueOf(m, feature)).filter((v): v is number => v !== null);
    const mu = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const s = Math.sqrt(values.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, values.length));
    mean.push(mu);
    sd.push(s > 1e-9 ? s : 1);
  });
  const m = measurements.map((x) => standardisedMeasurements(x, features, mean, sd));
  const dim = e.ecg[0]?.length ?? 0;
  const centre = Array.from({ length: dim }, (_, d) => e.ecg.reduce((s, h) => s + (h[d] as number), 0) / e.ecg.length);
  const scale = Math.sqrt(
    totalVariance(e.ecg) / Math.max(1e-12, totalVariance(e.ecg.map((h) => centredUnit(h, centre, 1)))),
  );
  const ratio = totalVariance(e.ecg.map((h) => centredUnit(h, centre, scale))) / Math.max(1e-12, totalVariance(m));
  return {
    kind: 'ecg+measurements',
    alpha,
    weight: Math.sqrt(alpha * ratio),
    mean,
    sd,
    centre,
    scale,
    features: [...features],
  };
}

/** s·(h − h̄)/‖h − h̄‖ (zero when h = h̄). */
function centredUnit(h: Float32Array, centre: readonly number[], scale: number): Float32Array {
  const v = Float32Array.from(h, (x, d) => x - (centre[d] as number));
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => (scale * x) / norm) : v;
}

/** Each recording's vector in `space`. */
export function inSpace(e: Embeddings, space: PrototypeSpace): Float32Array[] {
  if (space.kind === 'fused') return e.fused;
  if (space.kind === 'ecg+measurements') {
    const { centre, scale } = space;
    return e.ecg.map((h, i) => {
      const m = standardisedMeasurements(e.measurements?.[i] ?? null, space.features, space.mean, space.sd);
      const v = new Float32Array(h.length + m.length);
      v.set(centredUnit(h, centre, scale));
      v.set(
        m.map((x) => space.weight * x),
        h.length,
      );
      return v;
    });
  }
  const w = Math.sqrt(space.alpha);
  return e.ecg.map((h, i) => {
    const g = e.clinical[i] as Float32Array;
    const v = new Float32Array(h.length + (w > 0 ? g.length : 0));
    v.set(h);
    if (w > 0)
      v.set(
        g.map((x) => w * x),
        h.length,
      );
    return v;
  });
}

export function describeSpace(space: PrototypeSpace): string {
  if (space.kind === 'fused') return 'fused embedding z';
  if (space.kind === 'ecg+measurements') {
    const features = space.features;
    const groups = ['age/sex-normalised ECG measurements'];
    if (features.some((f) => f.startsWith('atrial_'))) groups.push('atrial activity');
    if (features.some((f) => f.startsWith('dissociated_'))) groups.push('AV dissociation');
    if (features.includes('p_wave_repeatability')) groups.push('P-wave repeatability');
    const listed = groups.length > 1 ? `${groups.slice(0, -1).join(', ')} and ${groups.at(-1) as string}` : groups[0];
    return `centred, L2-normalised ECG embedding h + ${space.alpha} × ${listed} (squared distances)`;
  }
  return `ECG embedding h + ${space.alpha} × clinical embedding g (squared distances)`;
}
