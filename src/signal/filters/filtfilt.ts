import { FewbeatError } from '../../errors.js';
import { lfilter, lfilterZi } from './lfilter.js';
import { oddExtension } from './odd-extension.js';
import type { TransferFunction } from './sos.js';

/**
 * Zero-phase forward-backward filtering with a transfer function, as `scipy.signal.filtfilt(b, a, x)`
 * with its defaults: odd extension by padlen = 3·max(len a, len b) samples, both passes started in
 * the steady state `lfilterZi · (first sample)`. The magnitude response is |H|², the phase zero.
 */
export function filtfilt(tf: TransferFunction, x: Float64Array): Float64Array {
  const padlen = 3 * Math.max(tf.a.length, tf.b.length);
  if (x.length <= padlen)
    throw new FewbeatError(
      `filtfilt: the signal has ${x.length} samples; it needs more than ${padlen} (3 × filter length)`,
    );
  const ext = oddExtension(x, padlen);
  const zi = lfilterZi(tf);
  const forward = lfilter(
    tf,
    ext,
    zi.map((v) => v * ext[0]!),
  );
  forward.reverse();
  const backward = lfilter(
    tf,
    forward,
    zi.map((v) => v * forward[0]!),
  );
  backward.reverse();
  return backward.slice(padlen, padlen + x.length);
}
