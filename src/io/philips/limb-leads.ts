/**
 * Philips XLI stores leads III, aVR, aVL and aVF as residuals from the values predicted by I and II; the
 * reference decoder (sierra-ecg-tools `pysierraecg` `lib.py`, MIT) rebuilds them in this order, in place, with
 * 16-bit wrap-around and floor division as its int16 arithmetic does:
 *
 *     III = II − I − r_III
 *     aVR = −r_aVR − ⌊(I + II) / 2⌋
 *     aVL = ⌊(I − III) / 2⌋ − r_aVL        (with the rebuilt III)
 *     aVF = ⌊(II + III) / 2⌋ − r_aVF       (with the rebuilt III)
 *
 * `leads` are I, II, III, aVR, aVL, aVF (then any others, untouched); all the same length.
 */
export function rebuildLimbLeads(leads: Int16Array[]): void {
  const [i1, i2, i3, avr, avl, avf] = leads;
  if (!i1 || !i2 || !i3 || !avr || !avl || !avf) return;
  const n = i1.length;
  for (let k = 0; k < n; k++) {
    const a = i1[k]!;
    const b = i2[k]!;
    const iii = (i3[k] = wrap16(b - a - i3[k]!));
    avr[k] = wrap16(-avr[k]! - Math.floor(wrap16(a + b) / 2));
    avl[k] = wrap16(Math.floor(wrap16(a - iii) / 2) - avl[k]!);
    avf[k] = wrap16(Math.floor(wrap16(b + iii) / 2) - avf[k]!);
  }
}

function wrap16(v: number): number {
  return (v << 16) >> 16;
}
