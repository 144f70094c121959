/**
 * WFDB signal checksums: the sum of every stored sample of a signal, reduced to a signed 16-bit
 * integer (header(5): "a 16-bit signed checksum of all samples in the signal"). Some writers
 * store it unsigned (43172 for −22364), so comparisons are made modulo 65536.
 */

/** Sum of `samples` reduced to the signed 16-bit range [−32768, 32767]. */
export function checksum16(samples: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s = (s + samples[i]) & 0xffff;
  return (s << 16) >> 16;
}

/** True when two checksums agree modulo 65536 (signed and unsigned spellings of the same value). */
export function checksumsAgree(a: number, b: number): boolean {
  return ((a - b) & 0xffff) === 0;
}
