import { FewbeatError } from '../errors.js';
import { readAnnotations } from '../io/wfdb/annotations.js';
import { median } from '../util/median.js';

/** The twelve LUDB annotation files, one per lead (the lead names are the file extensions). */
export const LUDB_LEADS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'] as const;

/** One wave marked on one lead: onset `(`, peak (`p`, `N` or `t`) and offset `)`, in samples. */
export interface MarkedWave {
  kind: 'p' | 'N' | 't';
  onset: number;
  peak: number;
  offset: number;
}

/** Global boundaries of one beat over all leads (samples); null where no lead marks the wave. */
export interface GlobalBeat {
  pOnset: number | null;
  qrsOnset: number;
  qrsOffset: number;
  tOffset: number | null;
  /** Number of leads whose QRS of this beat is marked. */
  leads: number;
}

/** Reference intervals of a record (ms): medians over its beats, null when the wave is not marked. */
export interface ReferenceIntervals {
  pr_ms: number | null;
  qrs_ms: number | null;
  qt_ms: number | null;
  beats: GlobalBeat[];
}

/**
 * The waves marked on one lead, from the symbol sequence `( p ) ( N ) ( t ) …`: a peak symbol
 * with the `(` just before it and the `)` just after it. A peak without both brackets is skipped.
 */
export function wavesOfLead(annotations: ReadonlyArray<{ sample: number; symbol: string }>): MarkedWave[] {
  const waves: MarkedWave[] = [];
  for (let i = 1; i < annotations.length - 1; i++) {
    const a = annotations[i]!;
    if (a.symbol !== 'p' && a.symbol !== 'N' && a.symbol !== 't') continue;
    const before = annotations[i - 1]!;
    const after = annotations[i + 1]!;
    if (before.symbol !== '(' || after.symbol !== ')') continue;
    waves.push({ kind: a.symbol, onset: before.sample, peak: a.sample, offset: after.sample });
  }
  return waves;
}

/**
 * Global wave boundaries per beat, by the CSE convention for global measurements (Willems et al.,
 * "Common standards for quantitative electrocardiography: goals and main results", Methods Inf Med
 * 29:263, 1990; the convention IEC 60601-2-51 tests against): for each beat, over all leads that
 * mark it,
 *
 * - QRS onset = the earliest QRS onset, QRS offset = the latest QRS offset;
 * - P onset = the earliest onset of the P waves (on any lead) whose peak lies between the previous
 *   beat's QRS peak and this beat's QRS onset (null when no lead marks one);
 * - T offset = the latest offset of the T waves whose peak lies between this beat's QRS offset and
 *   the next beat's QRS peak.
 *
 * Beats are the QRS complexes of all leads grouped by peak time (peaks within `groupSeconds` of the
 * group's first peak belong to one beat). Only beats whose QRS is marked on at least `minLeads`
 * leads are kept, so that a beat marked on few leads (LUDB leaves some first and last beats out)
 * does not give narrower bounds.
 */
export function globalBeats(
  leads: ReadonlyArray<readonly MarkedWave[]>,
  fs: number,
  opts: { groupSeconds?: number; minLeads?: number } = {},
): GlobalBeat[] {
  const group = Math.round((opts.groupSeconds ?? 0.15) * fs);
  const minLeads = opts.minLeads ?? Math.ceil(leads.length / 2);
  const qrs = leads
    .flatMap((waves, lead) => waves.map((w, k) => ({ w, lead, k })))
    .filter((x) => x.w.kind === 'N')
    .sort((a, b) => a.w.peak - b.w.peak);
  const groups: Array<typeof qrs> = [];
  for (let i = 0; i < qrs.length;) {
    let j = i;
    while (j < qrs.length && qrs[j]!.w.peak - qrs[i]!.w.peak <= group) j++;
    groups.push(qrs.slice(i, j));
    i = j;
  }
  const all = leads.flat();
  const peakOf = (g: typeof qrs): number => median(g.map((m) => m.w.peak));
  const beats: GlobalBeat[] = [];
  groups.forEach((members, gi) => {
    const leadsMarked = new Set(members.map((m) => m.lead)).size;
    if (leadsMarked < minLeads) return;
    const qrsOnset = Math.min(...members.map((m) => m.w.onset));
    const qrsOffset = Math.max(...members.map((m) => m.w.offset));
    const previous = gi > 0 ? peakOf(groups[gi - 1]!) : -Infinity;
    const next = gi + 1 < groups.length ? peakOf(groups[gi + 1]!) : Infinity;
    const p = all.filter((w) => w.kind === 'p' && w.peak > previous && w.peak < qrsOnset);
    const t = all.filter((w) => w.kind === 't' && w.peak > qrsOffset && w.peak < next);
    beats.push({
      pOnset: p.length ? Math.min(...p.map((w) => w.onset)) : null,
      qrsOnset,
      qrsOffset,
      tOffset: t.length ? Math.max(...t.map((w) => w.offset)) : null,
      leads: leadsMarked,
    });
  });
  return beats;
}

/**
 * Reference PR, QRS and QT of a record (ms) from its global beats: PR = QRS onset − P onset,
 * QRS = QRS offset − QRS onset, QT = T offset − QRS onset, each the median over the beats that
 * have it. PR (QT) is null when fewer than half of the beats have a marked P (T) wave: a record
 * without P waves (atrial fibrillation, a paced rhythm) has no reference PR.
 */
export function referenceIntervals(beats: readonly GlobalBeat[], fs: number): ReferenceIntervals {
  const ms = (samples: number): number => (samples * 1000) / fs;
  const pr = beats.filter((b) => b.pOnset !== null).map((b) => ms(b.qrsOnset - b.pOnset!));
  const qt = beats.filter((b) => b.tOffset !== null).map((b) => ms(b.tOffset! - b.qrsOnset));
  const half = beats.length / 2;
  return {
    pr_ms: pr.length > 0 && pr.length >= half ? median(pr) : null,
    qrs_ms: beats.length > 0 ? median(beats.map((b) => ms(b.qrsOffset - b.qrsOnset))) : null,
    qt_ms: qt.length > 0 && qt.length >= half ? median(qt) : null,
    beats: [...beats],
  };
}

/** Read the twelve LUDB annotation files of `recordPath` and return its reference intervals. */
export function readLudbReference(recordPath: string): ReferenceIntervals {
  let fs: number | null = null;
  const leads = LUDB_LEADS.map((ext) => {
    const file = readAnnotations(recordPath, ext);
    fs ??= file.fs;
    return wavesOfLead(file.annotations);
  });
  if (fs === null) throw new FewbeatError('annotation time resolution unknown (no header)', { file: recordPath });
  return referenceIntervals(globalBeats(leads, fs), fs);
}
