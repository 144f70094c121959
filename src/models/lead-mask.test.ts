import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { applyLeadMask, maskedInputChannels } from './lead-mask.js';

describe('applyLeadMask', () => {
  beforeAll(async () => {
    await initBackend();
  });

  // One recording, two samples, three leads: [[1, 2, 3], [4, 5, 6]]; lead 2 absent.
  const ecg = (): tf.Tensor3D => tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);

  it('zeros absent leads and scales the others by L / present (rescale)', () => {
    const out = tf.tidy(() => Array.from(applyLeadMask(ecg(), tf.tensor2d([[1, 0, 1]]), 'rescale').dataSync()));
    expect(out).toEqual([1.5, 0, 4.5, 6, 0, 9]);
  });

  it('leaves a full 12-of-12 recording unchanged (rescale)', () => {
    const out = tf.tidy(() => Array.from(applyLeadMask(ecg(), tf.ones([1, 3]), 'rescale').dataSync()));
    expect(out).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('gives zeros, not NaN, when every lead is absent', () => {
    const out = tf.tidy(() => Array.from(applyLeadMask(ecg(), tf.zeros([1, 3]), 'rescale').dataSync()));
    expect(out).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('appends the mask as constant channels after the zeroed leads (channels)', () => {
    const masked = tf.tidy(() => {
      const y = applyLeadMask(ecg(), tf.tensor2d([[1, 0, 1]]), 'channels');
      return { shape: y.shape, values: Array.from(y.dataSync()) };
    });
    expect(masked.shape).toEqual([1, 2, maskedInputChannels(3, 'channels')]);
    expect(masked.values).toEqual([1, 0, 3, 1, 0, 1, 4, 0, 6, 1, 0, 1]);
  });
});
