import type { z } from 'zod';
import { FewbeatError } from '../../errors.js';
import type { Analysis, caseReportSchema } from '../api/schemas.js';
import { HttpError } from '../http/http-error.js';
import { caseOf, clinicalOf, fullCase, recordRefOf } from './cases.js';
import type { ServeContext } from './context.js';
import { casePredictions } from './predictions.js';

export type CaseReport = z.infer<typeof caseReportSchema>;

/** The analysis of a case (measurements, quality, R peaks, median beats), from a model worker. */
export async function caseAnalysis(ctx: ServeContext, id: string): Promise<Analysis> {
  const row = await caseOf(ctx, id);
  try {
    return await ctx.model.analyse(row.id, recordRefOf(ctx, row), clinicalOf(row));
  } catch (e) {
    if (e instanceof FewbeatError) throw new HttpError(422, 'cannot_analyse', e.message);
    throw e;
  }
}

/** The case report: the case, its analysis and its predictions with their reviews. */
export async function caseReport(
  ctx: ServeContext,
  id: string,
  by: { id: string; username: string },
): Promise<CaseReport> {
  const row = await caseOf(ctx, id);
  return {
    generatedAt: new Date().toISOString(),
    generatedBy: by,
    modelVersion: ctx.model.info.version,
    case: await fullCase(ctx, row),
    analysis: await caseAnalysis(ctx, id),
    predictions: await casePredictions(ctx, id),
  };
}

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const fmt = (v: number | null, digits = 0): string => (v === null ? '—' : v.toFixed(digits));

/** A median beat as an inline SVG polyline (one lead). */
function beatSvg(samples: readonly number[], rIndex: number): string {
  if (samples.length < 2) return '';
  const w = 160;
  const h = 80;
  const lo = Math.min(...samples);
  const hi = Math.max(...samples);
  const span = hi - lo || 1;
  const pts = samples
    .map((v, i) => `${((i / (samples.length - 1)) * w).toFixed(1)},${(h - 4 - ((v - lo) / span) * (h - 8)).toFixed(1)}`)
    .join(' ');
  const rx = ((rIndex / (samples.length - 1)) * w).toFixed(1);
  return (
    `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `role="img"><line x1="${rx}" y1="0" x2="${rx}" y2="${h}" ` +
    `stroke="#ccc"/><polyline fill="none" stroke="#000" stroke-width="1" ` +
    `points="${pts}"/></svg>`
  );
}

/**
 * The case report as one self-contained printable HTML page (no scripts, no external resources;
 * every value escaped). The page says plainly when the analysis is incomplete or a prediction
 * abstained, and that the result supports, not replaces, the clinician's reading.
 */
export function reportHtml(r: CaseReport): string {
  const c = r.case;
  const a = r.analysis;
  const m = a.measurements;
  const row = (name: string, v: Analysis['measurements']['hr']): string =>
    `<tr><th>${esc(name)}</th><td>` +
    `${v.value === null ? `— <small>${esc(v.reason ?? '')}</small>` : `${fmt(v.value)} ${esc(v.unit)}`}` +
    `</td><td>${v.z === null ? '' : `z ${fmt(v.z, 2)}`}</td><td><small>${esc(v.method)}</small></td></tr>`;
  const clinical = Object.entries(c.clinical)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(Array.isArray(v) ? v.join(', ') : v)}</td></tr>`)
    .join('');
  const predictions = r.predictions
    .map((p) => {
      const probs = Object.entries(p.probabilities)
        .sort((x, y) => y[1] - x[1])
        .map(
          ([k, v]) =>
            `<tr><td>${esc(k)}</td><td>${(100 * v).toFixed(1)} %</td><td>${fmt(p.distances[k] ?? null, 2)}</td></tr>`,
        )
        .join('');
      const review = p.review
        ? `<p><b>Review:</b> ${esc(p.review.verdict)} as ` +
          `<b>${esc(p.review.finalClass)}</b> by ` +
          `${esc(p.review.user.username)} (${esc(p.review.createdAt)}): ` +
          `${esc(p.review.note)}</p>`
        : '<p><b>Review:</b> not reviewed yet</p>';
      const leads = p.explanation
        ? `<p><small>Occlusion (drop of ${esc(p.explanation.target)} probability): ${p.explanation.leads
            .map((l) => `${esc(l.lead)} ${fmt(l.drop, 2)}`)
            .join(', ')}</small></p>`
        : '';
      return (
        `<section class="pred"><h3>` +
        `${
          p.abstained ? `Unknown — not like any enrolled class (nearest: ${esc(p.nearestClass)})` : esc(p.predicted)
        }</h3>
<p>Bank ${esc(p.bank.name)} v${p.bank.version}; model ${esc(p.modelVersion.slice(0, 12))}; by ` +
        `${esc(p.user.username)} at ${esc(p.createdAt)}; signal quality ${fmt(p.quality.score, 2)}` +
        `${p.quality.usable ? '' : ' (UNUSABLE)'}</p>
<table><tr><th>class</th><th>probability</th><th>distance</th></tr>${probs}</table>
<p><small>Clinical context: ${esc(p.clinicalUsed.note)}</small></p>${leads}${review}</section>`
      );
    })
    .join('');
  const beats = a.medianBeats.leads
    .map((l) => `<figure><figcaption>${esc(l.lead)}</figcaption>${beatSvg(l.samples, a.medianBeats.rIndex)}</figure>`)
    .join('');
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fewbeat case report ${esc(c.id)}</title>
<style>
body{font:13px/1.4 system-ui,sans-serif;margin:2em;color:#000}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}
.warn{border:2px solid #b00;padding:.5em;color:#b00}figure{display:inline-block;margin:4px}figcaption{font-size:11px}
.pred{page-break-inside:avoid;border-top:1px solid #888;margin-top:1em}@media print{body{margin:1cm}}
</style></head><body>
<h1>fewbeat case report</h1>
<p>Case <b>${esc(c.id)}</b>${c.label ? ` — ${esc(c.label)}` : ''}; patient key ${esc(c.patientId ?? '—')}` +
    `; uploaded by ${esc(c.uploadedBy.username)} at ${esc(c.createdAt)}.
Record: ${esc(c.record.format)}, ${c.record.leads.length} leads (${esc(c.record.leads.join(' '))}), ` +
    `${fmt(c.record.fs)} Hz, ${fmt(c.record.durationS, 1)} s; files ` +
    `${esc(c.sourceFiles.map((f) => f.name).join(', '))}; SHA-256 ${esc(c.recordSha256)}.</p>
<p>Report generated by ${esc(r.generatedBy.username)} at ${esc(r.generatedAt)}. Decision support only: ` +
    `the ECG must be read by a clinician.</p>
<h2>Clinical context</h2>${clinical ? `<table>${clinical}</table>` : '<p>none given</p>'}
<h2>Measurements</h2>
${
  a.complete
    ? ''
    : `<div class="warn"><b>Incomplete analysis — not a ` +
      `normal ` +
      `result.</b><ul>${a.incompleteReasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></div>`
}
<table><tr><th></th><th>value</th><th>age z</th><th>method</th></tr>
${row('HR', m.hr)}${row('PR', m.pr)}${row('QRS', m.qrs)}${row('QT', m.qt)}` +
    `${row('QTc Bazett', m.qtcBazett)}${row('QTc Fridericia', m.qtcFridericia)}</table>
<p>Norms: ${esc(a.norms ?? 'none')}. Signal quality ${fmt(a.quality.score, 2)}: ${esc(a.quality.summary)}.</p>
${a.flags.length ? `<ul>${a.flags.map((f) => `<li>${esc(f.text)}</li>`).join('')}</ul>` : '<p>No age-norm flags.</p>'}
<h2>Median beats</h2>${beats || '<p>none</p>'}
<h2>Predictions</h2>${predictions || '<p>none</p>'}
</body></html>
`
  );
}
