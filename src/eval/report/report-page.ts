import { Rng } from '../../util/rng.js';
import type { SettingJson } from '../metrics/metrics-schema.js';
import { confusionChart } from './charts/confusion-chart.js';
import { embeddingChart } from './charts/embedding-chart.js';
import { learningCurvesChart } from './charts/learning-curves-chart.js';
import { ageBandColors, classColors } from './charts/palette.js';
import { reliabilityChart } from './charts/reliability-chart.js';
import { rocChart } from './charts/roc-chart.js';
import { renderVegaLite } from './charts/vega-svg.js';
import { STYLE } from './report-style.js';
import { escapeHtml, formatNumber, htmlTable } from './html.js';
import { ageBandLabel, canonicalClassNames, classLabel } from './labels.js';
import { parseReportData, type ParsedReportData, type ReportData } from './report-data.js';
import { PROJECT_TARGETS, targetChecks } from './project-targets.js';
import {
  ablationsTable,
  ageBandTable,
  baselinesTable,
  perClassTable,
  settingsTable,
  settingTitle,
} from './results-tables.js';
import { umapProjection } from './umap-projection.js';

/** A rendered chart, labelled for the tests and for assistive technology. */
function figure(kind: string, svg: string, wide = false): string {
  return `<figure data-plot="${escapeHtml(kind)}"${wide ? ' class="wide"' : ''}>${svg}</figure>`;
}

const missing = (what: string): string => `<p class="missing">${escapeHtml(what)} not available in this run.</p>`;

/** How the report is rendered, beyond its data. */
export interface ReportOptions {
  /**
   * Add a section that checks the run against fewbeat's own development targets
   * ({@link PROJECT_TARGETS}, set for the default synthetic cohort): `fewbeat demo --targets`.
   * @default false (the report describes the run, not the project's goals)
   */
  targets?: boolean;
}

/**
 * The whole report as one self-contained HTML page: inline CSS, plots as inline SVG, no script,
 * no external request (it opens from disk and prints). Every figure carries `data-plot` naming its
 * kind: `learning-curves`, `roc`, `confusion-matrix`, `reliability`, `embedding-map`.
 */
export async function renderReportHtml(input: ReportData, options: ReportOptions = {}): Promise<string> {
  const data = parseReportData(input);
  const names = { ...canonicalClassNames(), ...(data.classNames ?? {}) };
  const nameOf = (id: string): string => classLabel(id, names).name;
  const shortOf = (id: string): string => classLabel(id, names).short;
  const { settings, baselines, ablations } = data.metrics;
  const allClasses = [
    ...new Set([...settings.flatMap((s) => s.classes), ...(data.embeddings?.points.map((p) => p.label) ?? [])]),
  ];

  const settingSections = await Promise.all(settings.map((s, i) => settingSection(s, i, allClasses, nameOf, shortOf)));
  const learning =
    data.history && data.history.steps.length > 0
      ? figure('learning-curves', await renderVegaLite(learningCurvesChart(data.history), 'learning-'))
      : missing('Training history');
  const embedding =
    data.embeddings && data.embeddings.points.length >= 3
      ? await embeddingSection(data.embeddings, allClasses, nameOf)
      : missing('Embeddings');

  const run = data.run;
  const facts: [string, string][] = [
    ['Created', escapeHtml(run.createdAt)],
    ...(run.command ? [['Command', `<code>${escapeHtml(run.command)}</code>`] as [string, string]] : []),
    ...(run.cohort ? [['Cohort', escapeHtml(run.cohort)] as [string, string]] : []),
    ...(run.seed !== undefined ? [['Seed', String(run.seed)] as [string, string]] : []),
    ...(run.durationSeconds !== undefined
      ? [['Run time', `${(run.durationSeconds / 60).toFixed(1)} min`] as [string, string]]
      : []),
    ...Object.entries(run.details).map(([k, v]): [string, string] => [escapeHtml(k), detailValue(v)]),
  ];
  return (
    `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(run.title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(run.title)}</h1>
<p class="lead">Few-shot recognition of pediatric arrhythmias from the ECG and the child’s clinical ` +
    `context. Research software: not for clinical decisions.</p>
<nav><a href="#summary">Summary</a><a href="#settings">Per setting</a><a ` +
    `href="#baselines">Baselines</a><a href="#ablations">Ablations</a><a ` +
    `href="#training">Training</a><a href="#embedding">Embedding map</a><a href="#run">Run</a><a ` +
    `href="#reading">How to read</a></nav>

<h2 id="summary">Results at a glance</h2>
${settings.length > 0 ? settingsTable(settings) : missing('Evaluation settings')}
<p class="note">Episode accuracy is the mean over episodes with its 95 % confidence interval (mean ± ` +
    `1.96·sd/√E, sd with ddof = 1). The other columns pool every query of every episode; where ` +
    `balanced accuracy and macro AUROC carry an interval, it is a percentile bootstrap over episodes.</p>

${options.targets ? targetsSection(data.metrics) : ''}
<div id="settings">${settingSections.join('\n')}</div>

<h2 id="baselines">Baselines (same episodes)</h2>
${baselines.length > 0 ? baselinesTable(baselines, settings) : missing('Baselines')}
<p class="note">“Full − baseline” is the full model’s episode accuracy minus the baseline’s, paired over ` +
    `the same episodes; a 95 % CI above 0 means the full model is better.</p>

<h2 id="ablations">Ablations (paired on the same episodes)</h2>
${ablations.length > 0 ? ablationsTable(ablations, settings) : missing('Ablations (run fewbeat ablate)')}
<p class="note">“Full − variant” is the per-episode accuracy difference, full model minus the variant ` +
    `(one loss term or design element removed, or another fusion), over the same episodes: ` +
    `a 95 % CI above 0 shows that what the variant lacks helps.</p>

<h2 id="training">Learning curves</h2>
${learning}

<h2 id="embedding">Embedding space</h2>
${embedding}

<h2 id="run">Model and run</h2>
<dl class="meta">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>

<h2 id="reading">How to read this report</h2>
${readingNotes()}
</main></body></html>
`
  );
}

/** The run checked against {@link PROJECT_TARGETS}, misses as plainly as hits. */
function targetsSection(metrics: ParsedReportData['metrics']): string {
  const { ways, shots } = PROJECT_TARGETS.setting;
  const rows = targetChecks(metrics).map((c) => [
    escapeHtml(c.target),
    escapeHtml(c.measured),
    c.met === null
      ? '<span class="neutral">not evaluated</span>'
      : c.met
        ? '<span class="good">met</span>'
        : '<span class="bad">not met</span>',
  ]);
  return `<h3 id="targets">Project targets (novel classes, ${ways}-way ${shots}-shot)</h3>
${htmlTable(['Target', 'Measured', 'Status'], rows)}
`;
}

async function settingSection(
  s: SettingJson,
  index: number,
  allClasses: readonly string[],
  nameOf: (id: string) => string,
  shortOf: (id: string) => string,
): Promise<string> {
  const title = settingTitle(s);
  const [roc, confusion, reliability] = await Promise.all([
    renderVegaLite(rocChart(s, allClasses, shortOf, 'ROC curves (one-vs-rest)'), `roc-${index}-`),
    renderVegaLite(confusionChart(s, shortOf, 'Confusion matrix'), `confusion-${index}-`),
    renderVegaLite(reliabilityChart(s, 'Reliability diagram'), `reliability-${index}-`),
  ]);
  return (
    `<section id="setting-${index}">
<h2>${escapeHtml(title)}</h2>
<p class="lead">${s.episodes} episodes, ${s.queries} queries per class; classes: ` +
    `${s.classes.map((c) => escapeHtml(nameOf(c))).join(', ')}.
Episode accuracy ${formatNumber(s.episode_accuracy.mean)} (95 % CI ` +
    `${formatNumber(s.episode_accuracy.ci95[0])} to ${formatNumber(s.episode_accuracy.ci95[1])}); ` +
    `balanced accuracy ${formatNumber(s.balanced_accuracy)}; macro AUROC ${formatNumber(s.auroc_macro)}.</p>
<h3>Per class (one-vs-rest, pooled queries)</h3>
${perClassTable(s, nameOf)}
<div class="charts">${figure('roc', roc)}${figure('reliability', reliability)}` +
    `${figure('confusion-matrix', confusion, s.classes.length > 6)}
<div><h3>By age band</h3>
${ageBandTable(s, ageBandLabel)}</div></div>
</section>`
  );
}

async function embeddingSection(
  embeddings: NonNullable<ParsedReportData['embeddings']>,
  allClasses: readonly string[],
  nameOf: (id: string) => string,
): Promise<string> {
  const all = embeddings.points;
  const mapped =
    all.length <= embeddings.maxPoints
      ? all
      : new Rng(embeddings.seed)
          .shuffle(all.map((_, i) => i))
          .slice(0, embeddings.maxPoints)
          .sort((a, b) => a - b)
          .map((i) => all[i] as (typeof all)[number]);
  const xy = umapProjection(
    mapped.map((p) => p.vector),
    { seed: embeddings.seed },
  );
  const points = mapped.map((p, i) => ({
    x: xy[i]?.[0] ?? 0,
    y: xy[i]?.[1] ?? 0,
    cls: nameOf(p.label),
    band: ageBandLabel(p.ageBand),
  }));
  const shown = allClasses.filter((c) => mapped.some((p) => p.label === c));
  const count =
    mapped.length === all.length ? `${all.length} points` : `a random ${mapped.length} of ${all.length} points`;
  const svg = await renderVegaLite(
    embeddingChart(
      points,
      classColors(shown, allClasses, nameOf),
      ageBandColors(
        mapped.map((p) => p.ageBand),
        ageBandLabel,
      ),
      `${embeddings.description}; ${count}, UMAP seed ${embeddings.seed}`,
    ),
    'embedding-',
  );
  return (
    `${figure('embedding-map', svg)}
<p class="note">UMAP keeps neighbourhoods, not distances: tight, separate clusters per class suggest the ` +
    `space separates the rhythms; clusters that follow age band rather than class would mean the model ` +
    `leans on age.</p>`
  );
}

/** A run detail: plain text for scalars, JSON for structures (pretty-printed when long). */
function detailValue(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return escapeHtml(String(v));
  const compact = JSON.stringify(v) ?? 'null';
  if (compact.length <= 100) return `<code>${escapeHtml(compact)}</code>`;
  // Pretty-printed, but arrays of scalars kept on one line.
  const pretty = JSON.stringify(v, null, 2).replace(
    /\[\s*([^[\]{}]*?)\s*\]/g,
    (_m, items: string) => `[${items.split(/,\s*/).join(', ')}]`,
  );
  return `<pre>${escapeHtml(pretty)}</pre>`;
}

function readingNotes(): string {
  const rows = [
    [
      'Episode accuracy',
      'Share of an episode’s queries labelled correctly, averaged over ' +
        'episodes; 95 % CI = mean ± 1.96·sd/√E (sd with ddof = 1).',
    ],
    ['Balanced accuracy', 'Mean sensitivity over the classes; not inflated by frequent classes.'],
    [
      'Sensitivity / specificity',
      'Of the children with the rhythm, the share recognised / of those ' +
        'without it, the share not labelled with it (one-vs-rest).',
    ],
    [
      'AUROC',
      'Probability that a query of the class scores higher for it than a ' +
        'query of another class (ties count one half); computed only over ' +
        'queries whose episode offered the class. Macro = mean over classes.',
    ],
    [
      'F1',
      'Harmonic mean of precision and sensitivity; 0 when a class is never ' +
        'predicted (scikit-learn’s zero_division = 0).',
    ],
    [
      'ECE',
      'Expected calibration error: the query-weighted mean gap between ' +
        'confidence and accuracy over equal-width confidence bins. 0 is ' +
        'perfectly calibrated.',
    ],
    [
      'Paired difference',
      'Full model minus variant, per episode, over the same episodes; 95 % CI of the mean difference.',
    ],
  ].map(([k, v]) => [`<strong>${escapeHtml(k as string)}</strong>`, escapeHtml(v as string)]);
  return htmlTable(['Metric', 'Meaning'], rows);
}
