import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { totalLoss } from './total.js';

describe('totalLoss', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('adds the contrastive part to λ1 times the class part and λ2 times the consistency part', () => {
    const parts = { contrastive: tf.scalar(2), class: tf.scalar(3), consistency: tf.scalar(5) };
    const total = totalLoss(parts, { lambda1: 0.5, lambda2: 0.1 });
    expect(total.dataSync()[0]).toBeCloseTo(2 + 1.5 + 0.5, 6);
    tf.dispose([total, parts.contrastive, parts.class, parts.consistency]);
  });

  it('passes gradients through to each part with its weight', () => {
    const g = tf.grads((a, b, c) =>
      totalLoss(
        { contrastive: a as tf.Scalar, class: b as tf.Scalar, consistency: c as tf.Scalar },
        { lambda1: 0.25, lambda2: 4 },
      ),
    );
    const grads = tf.tidy(() => g([tf.scalar(1), tf.scalar(1), tf.scalar(1)]).map((x) => x.dataSync()[0]));
    expect(grads).toEqual([1, 0.25, 4]);
  });
});
