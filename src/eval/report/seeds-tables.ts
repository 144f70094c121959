import type { MeanCi95Json } from '../metrics/metrics-schema.js';
import type { AcrossSeedsJson, SeedsComparisonJson, SeedsSettingJson } from '../metrics/seeds-metrics-schema.js';
import { escapeHtml, formatMeanCi, formatNumber, htmlTable } from './html.js';

/** One method's value on each seed (with the seed's episode CI where there is one) and across seeds. */
interface MethodRow {
  name: string;
  perSeed: ReadonlyArray<MeanCi95Json | number | null>;
  across: AcrossSeedsJson | null;
}

/** The metrics the side-by-side tables show, and where each method keeps them. */
export const SEED_TABLE_METRICS = {
  episode_accuracy: 'Episode accuracy (per seed: 95 % CI over its episodes)',
  balanced_accuracy: 'Balanced accuracy',
  auroc_macro: 'Macro AUROC',
} as const;
export type SeedTableMetric = keyof typeof SEED_TABLE_METRICS;

/** "0.850 ± 0.012": a mean with its SD across seeds. */
function meanSd(a: AcrossSeedsJson | null): string {
  return a ? `${formatNumber(a.mean)} ± ${formatNumber(a.sd)}` : '—';
}

/** "0.831–0.866": the smallest and largest per-seed value. */
function minMax(a: AcrossSeedsJson | null): string {
  return a ? `${formatNumber(a.min)}–${formatNumber(a.max)}` : '—';
}

/** "0.80 to 0.90": the t interval of the mean across seeds. */
function ciAcross(a: AcrossSeedsJson | null): string {
  return a ? `${formatNumber(a.ci95[0])} to ${formatNumber(a.ci95[1])}` : '—';
}

function cell(v: MeanCi95Json | number | null): string {
  return typeof v === 'number' || v === null ? formatNumber(v) : formatMeanCi(v);
}

/**
 * One metric of one setting, seeds side by side: a row for the full model and one per baseline or
 * ablation, a column per seed, then mean ± SD, min–max and the 95 % CI across seeds.
 */
export function metricBySeedTable(
  setting: SeedsSettingJson,
  comparisons: readonly SeedsComparisonJson[],
  metric: SeedTableMetric,
): string {
  const seeds = setting.per_seed.map((r) => r.seed);
  const rows: MethodRow[] = [
    {
      name: '<strong>fewbeat (full model)</strong>',
      perSeed: setting.per_seed.map((r) => r[metric]),
      across: setting.across_seeds[metric],
    },
    ...comparisons.map((c) => ({
      name: escapeHtml(c.name),
      perSeed: c.per_seed.map((r) => r[metric]),
      across: c.across_seeds[metric],
    })),
  ];
  return htmlTable(
    ['Method', ...seeds.map((s) => `Seed ${s}`), 'Mean ± SD across seeds', 'Min–max', '95 % CI across seeds'],
    rows.map((r) => [r.name, ...r.perSeed.map(cell), meanSd(r.across), minMax(r.across), ciAcross(r.across)]),
    {
      numeric: [...seeds.map((_, i) => i + 1), seeds.length + 1, seeds.length + 2, seeds.length + 3],
      caption: escapeHtml(SEED_TABLE_METRICS[metric]),
    },
  );
}

/** A plain-words reading of a difference's CI, full model minus the other method. */
function verdict(ci: readonly [number, number], other: string): string {
  return ci[0] > 0
    ? '<span class="good">full model better</span>'
    : ci[1] < 0
      ? `<span class="bad">${escapeHtml(other)} better</span>`
      : '<span class="neutral">no clear difference (CI includes 0)</span>';
}

/**
 * Paired differences of one setting, full model minus each baseline or ablation: a column per seed
 * (that seed's paired difference over its episodes, with its CI), then the pooled difference (mean
 * of the per-seed differences with its t interval across seeds), its SD, and how many seeds' own
 * intervals lie above zero.
 */
export function pooledDifferenceTable(
  comparisons: readonly SeedsComparisonJson[],
  caption: string,
  other: 'baseline' | 'variant',
): string {
  const first = comparisons[0];
  if (!first) return '';
  const seeds = first.per_seed.map((r) => r.seed);
  const rows = comparisons.map((c) => {
    const p = c.pooled_difference_vs_full;
    return [
      escapeHtml(c.name),
      ...c.per_seed.map((r) => formatMeanCi(r.difference_vs_full)),
      formatMeanCi(p),
      formatNumber(p.sd),
      `${p.seeds_with_ci_above_zero} of ${p.n}`,
      verdict(p.ci95, other),
    ];
  });
  return htmlTable(
    [
      other === 'baseline' ? 'Baseline' : 'Variant',
      ...seeds.map((s) => `Seed ${s}: full − ${other} (95 % CI over episodes)`),
      'Pooled: mean of per-seed differences (95 % CI across seeds)',
      'SD across seeds',
      'Seeds with CI above 0',
      'Reading (pooled)',
    ],
    rows,
    { numeric: [...seeds.map((_, i) => i + 1), seeds.length + 1, seeds.length + 2, seeds.length + 3], caption },
  );
}
