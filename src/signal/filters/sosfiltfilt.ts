import { FewbeatError } from '../../errors.js';
import { oddExtension } from './odd-extension.js';
import type { Sos } from './sos.js';
import { sosfiltInPlace } from './sosfilt.js';
import { sosfiltZi } from './sosfilt-zi.js';

/**
 * Zero-phase forward-backward filtering through second-order sections, as
 * `scipy.signal.sosfiltfilt(sos, x)` with its default padding: odd extension by
 * padlen = 3·(2·nSections + 1 − min(#sections with b2 = 0, #sections with a2 = 0)), both passes
 * started from `sosfiltZi` scaled by the first sample of what they filter.
 */
export function sosfiltfilt(sos: Sos, x: Float64Array): Float64Array {
  const trailingB = sos.filter((row) => row[2] === 0).length;
  const trailingA = sos.filter((row) => row[5] === 0).length;
  const padlen = 3 * (2 * sos.length + 1 - Math.min(trailingB, trailingA));
  if (x.length <= padlen)
    throw new FewbeatError(
      `sosfiltfilt: the signal has ${x.length} samples; it needs more than ${padlen} for this filter's padding`,
    );
  const ext = oddExtension(x, padlen);
  const zi = sosfiltZi(sos);
  sosfiltInPlace(
    sos,
    ext,
    zi.map((v) => v * ext[0]!),
  );
  sosfiltInPlace(
    sos,
    ext,
    zi.map((v) => v * ext[ext.length - 1]!),
    true,
  );
  return ext.slice(padlen, padlen + x.length);
}
