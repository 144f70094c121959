/**
 * Canonical ECG lead names fewbeat knows, in display order: the 12 standard leads plus the
 * right-sided (V3R, V4R) and posterior (V7) leads recorded in children.
 */
export const CANONICAL_LEADS = [
  'I',
  'II',
  'III',
  'aVR',
  'aVL',
  'aVF',
  'V1',
  'V2',
  'V3',
  'V4',
  'V5',
  'V6',
  'V3R',
  'V4R',
  'V7',
] as const;
export type CanonicalLead = (typeof CANONICAL_LEADS)[number];

/** The standard 12-lead set. */
export const TWELVE_LEADS: readonly CanonicalLead[] = CANONICAL_LEADS.slice(0, 12);

/**
 * Names seen in the wild (after lower-casing and dropping spaces, dashes, underscores, dots and a
 * leading "lead"), mapped to canonical leads. MIT-BIH's modified limb lead MLII is lead II; a
 * single unnamed `ECG` channel of a monitor is taken as lead II, the usual monitoring lead.
 */
const ALIASES: Record<string, CanonicalLead> = {
  mlii: 'II',
  mli: 'I',
  mliii: 'III',
  ecg: 'II',
  ecg1: 'II',
  ecgii: 'II',
  ii: 'II',
  '2': 'II',
  i: 'I',
  '1': 'I',
  iii: 'III',
  '3': 'III',
  d1: 'I',
  d2: 'II',
  d3: 'III',
  di: 'I',
  dii: 'II',
  diii: 'III',
  avr: 'aVR',
  avl: 'aVL',
  avf: 'aVF',
  mavr: 'aVR',
  mavl: 'aVL',
  mavf: 'aVF',
  v3r: 'V3R',
  v4r: 'V4R',
  v7: 'V7',
  rv3: 'V3R',
  rv4: 'V4R',
};

/**
 * The canonical lead for a recorded lead name, or null when it is not an ECG lead fewbeat knows
 * (e.g. `PLETH`, `ABP`, `RESP`). Case, spaces, dashes and a "lead" prefix are ignored:
 * `lead II`, `MLII`, `ii` → II; `avr` → aVR; `V1`, `v1`, `MV1` (modified chest lead) → V1.
 */
export function canonicalLead(name: string): CanonicalLead | null {
  const key = name
    .toLowerCase()
    .replace(/[\s_\-.]/g, '')
    .replace(/^lead/, '');
  const alias = ALIASES[key];
  if (alias) return alias;
  const chest = /^m?v([1-6])$/.exec(key);
  if (chest) return `V${chest[1]}` as CanonicalLead;
  return null;
}
