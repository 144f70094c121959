/**
 * Lead vectors that project the heart's 3-D dipole (Frank coordinates, in mV) onto ECG leads.
 *
 * Frank axes: x to the patient's left, y to the feet (inferior), z to the back (posterior).
 * A lead with lead vector `l` reads `V(t) = l · d(t)`.
 */
export type Vec3 = readonly [x: number, y: number, z: number];

/** The eight independent leads of the 12-lead ECG. */
export const INDEPENDENT_LEADS = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;

/** Leads of the standard 12-lead ECG in the usual order. */
export const STANDARD_12_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;

/** The 15-lead set used in pediatrics: the 12 leads plus right-sided V3R, V4R and posterior V7. */
export const PEDIATRIC_15_LEADS = [...STANDARD_12_LEADS, 'V3R', 'V4R', 'V7'] as const;

export type LimbLead = 'I' | 'II' | 'III' | 'aVR' | 'aVL' | 'aVF';
export type ChestLead = 'V1' | 'V2' | 'V3' | 'V4' | 'V5' | 'V6' | 'V3R' | 'V4R' | 'V7';
export type LeadName = LimbLead | ChestLead;

export const ALL_LEADS: readonly LeadName[] = PEDIATRIC_15_LEADS;

/**
 * The Dower transform, Frank XYZ → leads I, II, V1–V6 (Dower GE, Machado HB, Osborne JA,
 * "On deriving the electrocardiogram from vectorcardiographic leads", Clin Cardiol 1980;3:87-95;
 * coefficients as tabulated by Edenbrandt & Pahlm 1988).
 */
export const DOWER_LEAD_VECTORS: Readonly<Record<'I' | 'II' | 'V1' | 'V2' | 'V3' | 'V4' | 'V5' | 'V6', Vec3>> = {
  I: [0.632, -0.235, 0.059],
  II: [0.235, 1.066, -0.132],
  V1: [-0.515, 0.157, -0.917],
  V2: [0.044, 0.164, -1.387],
  V3: [0.882, 0.098, -1.277],
  V4: [1.213, 0.127, -0.601],
  V5: [1.125, 0.127, -0.086],
  V6: [0.831, 0.076, 0.23],
};

/**
 * Right-sided and posterior chest leads, which Dower did not tabulate. These are geometric
 * approximations, not published coefficients:
 * - V3R, V4R mirror V3, V4 through the mid-sagittal plane (x negated), since they sit at the
 *   mirror-image positions on the right chest;
 * - V7 (left posterior axillary line, V6 level) is V6's lead vector rotated 35° about the y axis
 *   towards the back, with V6's magnitude.
 */
export const EXTRA_CHEST_LEAD_VECTORS: Readonly<Record<'V3R' | 'V4R' | 'V7', Vec3>> = {
  V3R: [-0.882, 0.098, -1.277],
  V4R: [-1.213, 0.127, -0.601],
  V7: rotateAboutY(DOWER_LEAD_VECTORS.V6, (35 * Math.PI) / 180),
};

/** Rotation about the y (head-to-foot) axis by `angle` radians, turning +x towards +z (posterior). */
function rotateAboutY(v: Vec3, angle: number): Vec3 {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [c * v[0] - s * v[2], v[1], s * v[0] + c * v[2]];
}

/** Lead vector of a chest lead (relative to Wilson's central terminal). */
export function chestLeadVector(lead: ChestLead): Vec3 {
  return lead === 'V3R' || lead === 'V4R' || lead === 'V7' ? EXTRA_CHEST_LEAD_VECTORS[lead] : DOWER_LEAD_VECTORS[lead];
}

/**
 * The inverse Dower transform, 8 independent leads → Frank XYZ (Edenbrandt L, Pahlm O,
 * "Vectorcardiogram synthesized from a 12-lead ECG: superiority of the inverse Dower matrix",
 * J Electrocardiol 1988;21:361-367). Rows x, y, z; columns V1–V6, I, II.
 * Used to estimate the dipole of real recordings (realism comparison) and to check the forward matrix.
 */
export const INVERSE_DOWER: readonly [Vec8, Vec8, Vec8] = [
  [-0.172, -0.074, 0.122, 0.231, 0.239, 0.194, 0.156, -0.01],
  [0.057, -0.019, -0.106, -0.022, 0.041, 0.048, -0.227, 0.887],
  [-0.229, -0.31, -0.246, -0.063, 0.055, 0.108, 0.022, 0.102],
];
type Vec8 = readonly [number, number, number, number, number, number, number, number];

/** Column order of {@link INVERSE_DOWER}. */
export const INVERSE_DOWER_LEADS = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'I', 'II'] as const;

/** Dot product. */
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
