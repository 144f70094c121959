import type { Embeddings } from './embed.js';

/**
 * The space prototypes and distances live in:
 * - `fused`: z = fuse(h, g), the model's fused embedding;
 * - `ecg+clinical`: the concatenation [h; √α·g], whose squared distance is d(h) + α·d(g) — a
 *   product of an ECG and a clinical nearest-prototype expert, p(c | q) ∝ exp(−d_h − α·d_g), with
 *   the clinical weight α chosen on validation base-class episodes (never on novel classes).
 */
export type PrototypeSpace = { kind: 'fused' } | { kind: 'ecg+clinical'; alpha: number };

/** The candidate spaces the validation choice compares. */
export const PROTOTYPE_SPACE_CANDIDATES: readonly PrototypeSpace[] = [
  { kind: 'fused' },
  ...[0, 0.03, 0.1, 0.3, 1].map((alpha) => ({ kind: 'ecg+clinical' as const, alpha })),
];

/** Each recording's vector in `space`. */
export function inSpace(e: Embeddings, space: PrototypeSpace): Float32Array[] {
  if (space.kind === 'fused') return e.fused;
  const w = Math.sqrt(space.alpha);
  return e.ecg.map((h, i) => {
    const g = e.clinical[i] as Float32Array;
    const v = new Float32Array(h.length + (w > 0 ? g.length : 0));
    v.set(h);
    if (w > 0) v.set(g.map((x) => w * x), h.length);
    return v;
  });
}

export function describeSpace(space: PrototypeSpace): string {
  return space.kind === 'fused' ? 'fused embedding z' : `ECG embedding h + ${space.alpha} × clinical embedding g (squared distances)`;
}
