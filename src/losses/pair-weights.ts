import { FewbeatError } from '../errors.js';

/** Who each row of a contrastive batch is: one entry per recording. */
export interface PairMetadata {
  /** Patient of recording i, p(i). Recordings of the same patient are positives of each other. */
  patientIds: ArrayLike<number>;
  /** Class label of recording i, y(i). */
  labels: ArrayLike<number>;
  /** Age band of recording i, a(i) (any integer coding, e.g. the index of the band). */
  ageBands: ArrayLike<number>;
}

/** Weights of the cross-modal contrastive loss, as dense row-major `[n, n]` matrices. */
export interface PairWeights {
  n: number;
  /**
   * w_ik, the weight of pair (i, k) in the denominator:
   * 1 if p(k) = p(i); β if y(k) = y(i) and p(k) ≠ p(i); γ if a(k) = a(i) and y(k) ≠ y(i); else 1.
   */
  denominator: Float32Array;
  /** 1/|P(i)| if p(k) = p(i), else 0: each row averages over the patient's positives. */
  positives: Float32Array;
}

/**
 * Build the pair weights of {@link contrastiveLoss} from patient ids, labels and age bands.
 *
 * The rules are tried in order, so a same-class other-patient pair in the same age band gets β
 * (a likely false negative is never also a hard negative). Both matrices are symmetric because
 * every rule is.
 *
 * @param beta  β ∈ [0, 1]: weight of same-class, other-patient negatives (0 removes them).
 * @param gamma γ ≥ 1: weight of same-age-band, other-class negatives (hard negatives).
 */
export function pairWeights(meta: PairMetadata, beta: number, gamma: number): PairWeights {
  const n = meta.patientIds.length;
  if (meta.labels.length !== n || meta.ageBands.length !== n) {
    throw new FewbeatError(
      `pairWeights: patientIds, labels and ageBands must have one entry ` +
        `per row, got ${n}, ${meta.labels.length}, ${meta.ageBands.length}`,
    );
  }
  if (!(beta >= 0 && beta <= 1)) throw new FewbeatError(`pairWeights: beta must be in [0, 1], got ${beta}`);
  if (!(gamma >= 1 && Number.isFinite(gamma))) throw new FewbeatError(`pairWeights: gamma must be >= 1, got ${gamma}`);

  const denominator = new Float32Array(n * n);
  const positives = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    let count = 0;
    for (let k = 0; k < n; k++) if (meta.patientIds[k] === meta.patientIds[i]) count++;
    for (let k = 0; k < n; k++) {
      const samePatient = meta.patientIds[k] === meta.patientIds[i];
      const sameClass = meta.labels[k] === meta.labels[i];
      const sameAgeBand = meta.ageBands[k] === meta.ageBands[i];
      let w = 1;
      if (samePatient) positives[i * n + k] = 1 / count;
      else if (sameClass) w = beta;
      else if (sameAgeBand) w = gamma;
      denominator[i * n + k] = w;
    }
  }
  return { n, denominator, positives };
}
