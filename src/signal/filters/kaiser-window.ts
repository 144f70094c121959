/** Modified Bessel function of the first kind, order 0: I0(x) = Σ_k ((x/2)^k / k!)², summed to convergence. */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Symmetric Kaiser window of length M (Kaiser 1974), as `scipy.signal.windows.kaiser(M, beta, sym=True)`:
 * w[n] = I0(β·√(1 − (2n/(M−1) − 1)²)) / I0(β).
 */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const norm = besselI0(beta);
  for (let n = 0; n < length; n++) {
    const r = (2 * n) / (length - 1) - 1;
    w[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm;
  }
  return w;
}
