import type { Morphology } from './beat-morphology.js';
import type { WaveKernel } from './dipole-model.js';
import type { Vec3 } from './lead-projection.js';
import type { AtrialEvent, RhythmSchedule, VentricularEvent } from './rhythm-events.js';

/**
 * Turns a rhythm schedule into Gaussian wave kernels on the dipole, using one patient's morphology.
 *
 * Timing convention: a wave's onset is its first kernel's peak − 3σ_before and its end the last
 * kernel's peak + 3σ_after, where a Gaussian has fallen to 1.1 % of its peak. That is where
 * multi-lead threshold delineators put wave boundaries (Laguna et al., Comput Biomed Res 1994; the
 * CSE measurement studies; the MEANS program with which Rijnbeek's norms were measured, and
 * fewbeat's own `delineate`), so the norm values drawn for a child are the values such a
 * delineator measures. (A tangent-method T end would fall about σ_after earlier.)
 */
export function kernelsForSchedule(schedule: RhythmSchedule, m: Morphology): WaveKernel[] {
  const kernels: WaveKernel[] = [];
  for (const a of schedule.atrial) atrialKernels(a, m, kernels);
  for (const v of schedule.ventricular) ventricularKernels(v, m, kernels);
  return kernels;
}

function scaled(v: Vec3, k: number): Vec3 {
  return [v[0] * k, v[1] * k, v[2] * k];
}

function atrialKernels(a: AtrialEvent, m: Morphology, out: WaveKernel[]): void {
  switch (a.kind) {
    case 'sinus':
    case 'ectopic': {
      const sigma = m.pDuration / 6;
      out.push({
        centre: a.onset + 3 * sigma,
        sigmaBefore: sigma,
        sigmaAfter: sigma,
        amplitude: a.kind === 'sinus' ? m.p : m.ectopicP,
      });
      return;
    }
    case 'retrograde': {
      const sigma = 0.009;
      out.push({ centre: a.onset + 3 * sigma, sigmaBefore: sigma, sigmaAfter: sigma, amplitude: m.retrogradeP });
      return;
    }
    case 'flutter':
      // Slow descent and fast return within each cycle: the sawtooth without an isoelectric baseline.
      out.push({
        centre: a.onset + 0.7 * a.cycle,
        sigmaBefore: 0.33 * a.cycle,
        sigmaAfter: 0.12 * a.cycle,
        amplitude: m.flutter,
      });
      return;
    case 'fibrillation':
      out.push({
        centre: a.onset + 0.5 * a.cycle,
        sigmaBefore: 0.2 * a.cycle,
        sigmaAfter: 0.2 * a.cycle,
        amplitude: scaled(m.fibrillation, a.weight),
      });
      return;
  }
}

function ventricularKernels(v: VentricularEvent, m: Morphology, out: WaveKernel[]): void {
  const t0 = v.onset;
  if (v.kind === 'ventricular') {
    const d = v.qrsDuration;
    out.push({ centre: t0 + 0.4 * d, sigmaBefore: 0.133 * d, sigmaAfter: 0.133 * d, amplitude: m.ventricularMain });
    out.push({ centre: t0 + 0.76 * d, sigmaBefore: 0.08 * d, sigmaAfter: 0.08 * d, amplitude: m.ventricularLate });
    const down = 0.07 * v.qt;
    out.push({ centre: t0 + v.qt - 3 * down, sigmaBefore: 1.5 * down, sigmaAfter: down, amplitude: m.ventricularT });
    return;
  }
  let start = t0;
  let d = v.qrsDuration;
  if (v.kind === 'preexcited') {
    // Delta wave: a slurred upstroke from the pathway, then the normally conducted QRS 0.6 δ later.
    const delta = m.deltaDuration;
    out.push({ centre: t0 + delta, sigmaBefore: delta / 3, sigmaAfter: delta / 4, amplitude: m.delta });
    start = t0 + 0.6 * delta;
    d = v.qrsDuration - 0.6 * delta;
  }
  out.push({ centre: start + 0.24 * d, sigmaBefore: 0.08 * d, sigmaAfter: 0.08 * d, amplitude: m.q });
  out.push({ centre: start + 0.5 * d, sigmaBefore: 0.1 * d, sigmaAfter: 0.1 * d, amplitude: m.r });
  out.push({ centre: start + 0.76 * d, sigmaBefore: 0.08 * d, sigmaAfter: 0.08 * d, amplitude: m.s });
  if (m.brugadaSt[0] !== 0 || m.brugadaSt[2] !== 0) {
    out.push({ centre: start + d, sigmaBefore: 0.008, sigmaAfter: 0.25 * v.qt, amplitude: m.brugadaSt });
  }
  tWave(t0, v.qt, m, out);
}

/**
 * T wave ending at QRS onset + QT; long-QT shapes after Moss et al. 1995
 * (LQT1 broad-based, LQT2 low and notched, LQT3 late-onset peaked).
 */
function tWave(t0: number, qt: number, m: Morphology, out: WaveKernel[]): void {
  const end = t0 + qt;
  switch (m.lqtType) {
    case 0: {
      const down = 0.07 * qt;
      out.push({ centre: end - 3 * down, sigmaBefore: 1.5 * down, sigmaAfter: down, amplitude: m.t });
      return;
    }
    case 1: {
      const down = 0.08 * qt;
      out.push({ centre: end - 3 * down, sigmaBefore: 2.2 * down, sigmaAfter: down, amplitude: scaled(m.t, 1.1) });
      return;
    }
    case 2: {
      const down = 0.055 * qt;
      out.push({
        centre: end - 3 * down - 0.16 * qt,
        sigmaBefore: 0.05 * qt,
        sigmaAfter: 0.04 * qt,
        amplitude: scaled(m.t, 0.5),
      });
      out.push({ centre: end - 3 * down, sigmaBefore: down, sigmaAfter: down, amplitude: scaled(m.t, 0.6) });
      return;
    }
    case 3: {
      const down = 0.05 * qt;
      out.push({ centre: end - 3 * down, sigmaBefore: 1.1 * down, sigmaAfter: down, amplitude: scaled(m.t, 1.15) });
      return;
    }
  }
}
