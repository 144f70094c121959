import type { SeedsMetricsJson } from '../metrics/seeds-metrics-schema.js';
import { escapeHtml, htmlTable } from './html.js';
import { STYLE } from './report-style.js';
import { settingTitle } from './results-tables.js';
import { metricBySeedTable, pooledDifferenceTable, SEED_TABLE_METRICS, type SeedTableMetric } from './seeds-tables.js';

/** What the side-by-side report shows besides the metrics. */
export interface SeedsRunInfo {
  /** ISO 8601 time the run finished */
  createdAt: string;
  /** the command line that produced the run */
  command?: string;
  /** wall-clock seconds of the whole run, and of each seed */
  durationSeconds?: number;
  seedSeconds?: ReadonlyArray<{ seed: number; seconds: number }>;
}

const sameSetting =
  (s: { split: string; ways: number; shots: number }) =>
  (c: { split: string; ways: number; shots: number }): boolean =>
    c.split === s.split && c.ways === s.ways && c.shots === s.shots;

/**
 * The results of several seeds as one self-contained HTML page (inline CSS, no script): per
 * setting, each headline metric with the seeds side by side and its mean, SD, min–max and t
 * interval across seeds; the paired differences against each baseline (and ablation) per seed and
 * pooled; links to each seed's own full report.
 */
export function renderSeedsReportHtml(metrics: SeedsMetricsJson, run: SeedsRunInfo): string {
  const title = 'fewbeat results across seeds';
  const seeds = metrics.seeds;
  const sections = metrics.settings.map((s, i) => {
    const baselines = metrics.baselines.filter(sameSetting(s));
    const ablations = metrics.ablations.filter(sameSetting(s));
    const tables = (Object.keys(SEED_TABLE_METRICS) as SeedTableMetric[]).map((m) =>
      metricBySeedTable(s, [...baselines, ...ablations], m),
    );
    return `<section id="setting-${i}">
<h2>${escapeHtml(settingTitle(s))}</h2>
<p class="lead">${s.episodes} episodes per seed, ${s.queries} queries per class; seeds ${seeds.join(', ')}.</p>
${tables.join('\n')}
${pooledDifferenceTable(baselines, 'Full model minus each baseline, paired', 'baseline')}
${pooledDifferenceTable(ablations, 'Full model minus each ablated variant, paired', 'variant')}
</section>`;
  });
  const reports = (metrics.per_seed_reports ?? []).map((r) => [
    `Seed ${r.seed}`,
    `<a href="${escapeHtml(r.report)}">${escapeHtml(r.report)}</a>`,
    `<code>${escapeHtml(r.metrics)}</code>`,
    ...(run.seedSeconds ? [formatMinutes(run.seedSeconds.find((x) => x.seed === r.seed)?.seconds)] : []),
  ]);
  const reportHeaders = [
    'Seed',
    'Report (per class, age band, calibration, curves)',
    'Metrics',
    ...(run.seedSeconds ? ['Run time'] : []),
  ];
  const facts: [string, string][] = [
    ['Created', escapeHtml(run.createdAt)],
    ...(run.command ? [['Command', `<code>${escapeHtml(run.command)}</code>`] as [string, string]] : []),
    ['Seeds', escapeHtml(seeds.join(', '))],
    ...(run.durationSeconds !== undefined
      ? [['Run time', formatMinutes(run.durationSeconds)] as [string, string]]
      : []),
    ...(metrics.left_out.length > 0
      ? [['Not in every seed (left out)', escapeHtml(metrics.left_out.join('; '))] as [string, string]]
      : []),
  ];
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><main>
<h1>${title}</h1>
<p class="lead">Few-shot recognition of pediatric arrhythmias from the ECG and the child’s clinical context, ` +
    `evaluated on ${seeds.length} seeds: each seed is its own synthetic cohort, training run and evaluation ` +
    `episodes. Research software: not for clinical decisions.</p>
<nav>${metrics.settings.map((s, i) => `<a href="#setting-${i}">${escapeHtml(settingTitle(s))}</a>`).join('')}` +
    `<a href="#seeds">Each seed’s report</a><a href="#reading">How to read</a></nav>
${sections.join('\n')}
<h2 id="seeds">Each seed’s report</h2>
${htmlTable(reportHeaders, reports)}
<dl class="meta">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
<h2 id="reading">How to read this report</h2>
${readingNotes(metrics)}
</main></body></html>
`
  );
}

function formatMinutes(seconds: number | undefined): string {
  return seconds === undefined ? '—' : `${(seconds / 60).toFixed(1)} min`;
}

function readingNotes(metrics: SeedsMetricsJson): string {
  const rows = [
    ['Per seed', metrics.statistics.per_seed],
    ['Across seeds', metrics.statistics.across_seeds],
    ['Pooled paired difference', metrics.statistics.pooled_difference],
    [
      'Which interval answers what',
      'A seed’s episode CI says how precisely that one trained model was measured; the interval across seeds ' +
        'says how much a new cohort and training run could differ. With few seeds the t multiplier is large ' +
        '(12.71 for 2 seeds, 4.30 for 3), so the pooled interval is wide unless the seeds agree.',
    ],
  ].map(([k, v]) => [`<strong>${escapeHtml(k as string)}</strong>`, escapeHtml(v as string)]);
  return htmlTable(['', 'Meaning'], rows);
}
