import * as tf from '@tensorflow/tfjs';

/** How the lead mask enters the ECG encoder (see `modelConfigSchema.ecg.leadMask`). */
export type LeadMaskMode = 'rescale' | 'channels';

/** Input channels the stem sees for `leads` leads under `mode`. */
export function maskedInputChannels(leads: number, mode: LeadMaskMode): number {
  return mode === 'channels' ? 2 * leads : leads;
}

/**
 * Zero the absent leads of an ECG batch and make the encoder aware of them.
 *
 *     rescale:  x'[b, t, l] = x[b, t, l] · m[b, l] · L / max(1, Σ_l m[b, l])          → [B, T, L]
 *     channels: x' = concat(x ⊙ m, m broadcast over time) along the lead axis          → [B, T, 2L]
 *
 * @param ecg  [B, T, L]
 * @param mask [B, L], 1 = lead present, 0 = absent
 */
export function applyLeadMask(ecg: tf.Tensor3D, mask: tf.Tensor2D, mode: LeadMaskMode): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, samples, leads] = ecg.shape;
    const perLead = tf.expandDims(mask, 1) as tf.Tensor3D; // [B, 1, L]
    if (mode === 'channels') {
      // [B, T, 2L]
      return tf.concat([tf.mul(ecg, perLead), tf.broadcastTo(perLead, [batch, samples, leads])], 2) as tf.Tensor3D;
    }
    const present = tf.maximum(tf.sum(mask, 1, true), 1); // [B, 1]
    const gain = tf.expandDims(tf.div(tf.mul(mask, leads), present), 1); // [B, 1, L]
    return tf.mul(ecg, gain) as tf.Tensor3D; // [B, T, L]
  });
}
