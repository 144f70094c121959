/**
 * Dyadic wavelet transform with the quadratic-spline wavelet of Mallat and Zhong (IEEE TPAMI 14:710,
 * 1992), as used for ECG delineation by Li et al. (IEEE TBME 42:21, 1995) and Martínez et al.
 * (IEEE TBME 51:570, 2004), by the algorithme à trous: a_0 = x and, for k = 1, 2, …,
 *
 *   W_{2^k} x[n] = 2·(a_{k−1}[n + s] − a_{k−1}[n]),
 *   a_k[n] = (a_{k−1}[n − s] + 3·a_{k−1}[n] + 3·a_{k−1}[n + s] + a_{k−1}[n + 2s]) / 8,   s = 2^{k−1},
 *
 * i.e. the filters H(e^{jω}) = e^{jω/2}·cos³(ω/2) and G(e^{jω}) = 4j·e^{jω/2}·sin(ω/2) with 2^{k−1} − 1
 * zeros inserted. W_{2^k} is proportional to the derivative of x smoothed at scale 2^k: a wave's slopes
 * are its modulus maxima, its peak a zero crossing between them. As written the filters look ahead, so
 * that W_{2^k}[n] describes x around n + 2^{k−1} − ½; the outputs are shifted by that lag rounded down,
 * leaving W[n] centred half a sample after n.
 * Samples beyond the ends repeat the end values. Returns W at scales 2^1 … 2^levels.
 */
export function splineWavelet(x: Float64Array, levels: number): Float64Array[] {
  const n = x.length;
  const at = (a: Float64Array, i: number): number => a[i < 0 ? 0 : i >= n ? n - 1 : i]!;
  const out: Float64Array[] = [];
  let a = x;
  for (let k = 1; k <= levels; k++) {
    const s = 2 ** (k - 1);
    // look-ahead of W at this scale: s/2 from G plus Σ_{j<k} 2^{j−1}/2 = (s − 1)/2 from the H stages before it
    const lag = Math.floor(s - 0.5);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = i - lag;
      w[i] = 2 * (at(a, j + s) - at(a, j));
    }
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) next[i] = (at(a, i - s) + 3 * at(a, i) + 3 * at(a, i + s) + at(a, i + 2 * s)) / 8;
    out.push(w);
    a = next;
  }
  return out;
}
