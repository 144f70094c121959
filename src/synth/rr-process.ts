import type { Rng } from '../util/rng.js';

/**
 * Sinus-node drive: a mean rate modulated by respiration (respiratory sinus arrhythmia, the HF
 * peak), by the ≈ 0.1 Hz Mayer wave (the LF peak) and by beat-to-beat jitter, as in the bimodal RR
 * spectrum of ECGSYN (McSharry et al., IEEE TBME 2003). The respiratory frequency drifts a little,
 * which broadens the HF peak as in real recordings.
 */
export interface SinusDrive {
  /** Mean rate, bpm. */
  readonly meanHr: number;
  /** Respiratory rate, Hz. */
  readonly respRateHz: number;
  /** Peak relative RR modulation by respiration (RSA), e.g. 0.05 = ±5 %. */
  readonly rsaFraction: number;
  /** Peak relative RR modulation at ≈ 0.1 Hz. */
  readonly lfFraction: number;
  /** SD of the relative beat-to-beat jitter. */
  readonly jitterFraction: number;
}

/**
 * A modulated pacemaker. Each call of {@link Pacemaker.cycleAfter} gives the next cycle length
 *
 *     RRₖ = RR̄ · (1 + a_rsa sin φ_resp(tₖ) + a_lf sin(2π f_lf tₖ + φ_lf) + σ εₖ),   εₖ ~ N(0, 1),
 *
 * with RR̄ = 60 / meanHr and φ_resp advancing by 2π f_resp per second.
 */
export class Pacemaker {
  private respPhase: number;
  private respHz: number;
  private readonly lfHz: number;
  private readonly lfPhase: number;

  constructor(
    private readonly drive: SinusDrive,
    private readonly rng: Rng,
  ) {
    this.respPhase = rng.uniform(0, 2 * Math.PI);
    this.respHz = drive.respRateHz;
    this.lfHz = rng.uniform(0.08, 0.12);
    this.lfPhase = rng.uniform(0, 2 * Math.PI);
  }

  /** Mean cycle length, s. */
  get meanCycle(): number {
    return 60 / this.drive.meanHr;
  }

  /** The cycle length starting at time `t`, s. */
  cycleAfter(t: number): number {
    const d = this.drive;
    const modulation =
      d.rsaFraction * Math.sin(this.respPhase) +
      d.lfFraction * Math.sin(2 * Math.PI * this.lfHz * t + this.lfPhase) +
      d.jitterFraction * this.rng.normal();
    const rr = Math.max(0.3 * this.meanCycle, this.meanCycle * (1 + modulation));
    this.respHz = Math.min(
      1.5 * d.respRateHz,
      Math.max(0.6 * d.respRateHz, this.respHz + this.rng.normal(0, 0.03 * d.respRateHz)),
    );
    this.respPhase += 2 * Math.PI * this.respHz * rr;
    return rr;
  }

  /** All beat times from `start` (at a random phase of the first cycle) to before `end`. */
  beats(start: number, end: number): number[] {
    const times: number[] = [];
    let t = start + this.rng.uniform(0, this.meanCycle);
    while (t < end) {
      times.push(t);
      t += this.cycleAfter(t);
    }
    return times;
  }
}
