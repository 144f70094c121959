import type { MetricsJson } from '../metrics/metrics-schema.js';

/**
 * fewbeat's own development targets on the default cohort's novel classes, 5-way 5-shot: balanced
 * accuracy ≥ 0.85, macro AUROC ≥ 0.95, the full model better than every baseline, and a gain from
 * the contrastive term whose paired 95 % CI excludes zero. The report shows them only when asked
 * (`fewbeat demo --targets`).
 */
export const PROJECT_TARGETS = {
  setting: { split: 'novel', ways: 5, shots: 5 },
  balancedAccuracy: 0.85,
  aurocMacro: 0.95,
  contrastiveAblation: 'no-contrastive',
} as const;

/** One target: what it asks, what the run measured, and whether it holds (null: not evaluated). */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | null;
}

/** Checks a run's metrics against {@link PROJECT_TARGETS}, reporting misses as plainly as hits. */
export function targetChecks(metrics: Pick<MetricsJson, 'settings' | 'baselines' | 'ablations'>): TargetCheck[] {
  const t = PROJECT_TARGETS;
  const same = (e: { split: string; ways: number; shots: number }): boolean =>
    e.split === t.setting.split && e.ways === t.setting.ways && e.shots === t.setting.shots;
  const setting = metrics.settings.find(same);
  const baselines = metrics.baselines.filter(same);
  const ablation = metrics.ablations.find((a) => same(a) && a.name === t.contrastiveAblation);
  const notBeaten = baselines
    .filter((b) => !b.difference_vs_full || b.difference_vs_full.ci95[0] <= 0)
    .map((b) => b.name);
  const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'undefined' : v.toFixed(3));
  return [
    {
      target: `Balanced accuracy ≥ ${t.balancedAccuracy}`,
      measured: setting ? fmt(setting.balanced_accuracy) : 'not evaluated',
      met: setting ? setting.balanced_accuracy >= t.balancedAccuracy : null,
    },
    {
      target: `Macro AUROC ≥ ${t.aurocMacro}`,
      measured: setting ? fmt(setting.auroc_macro) : 'not evaluated',
      met: setting ? (setting.auroc_macro ?? -1) >= t.aurocMacro : null,
    },
    {
      target: 'Full model better than every baseline (paired 95 % CI above 0)',
      measured:
        baselines.length === 0
          ? 'no baselines'
          : notBeaten.length === 0
            ? `all ${baselines.length} beaten`
            : `not beaten: ${notBeaten.join(', ')}`,
      met: baselines.length === 0 ? null : notBeaten.length === 0,
    },
    {
      target: `Contrastive term helps (${t.contrastiveAblation}: full − ablated CI above 0)`,
      measured: ablation
        ? `${fmt(ablation.difference_vs_full.mean)} ` +
          `(${fmt(ablation.difference_vs_full.ci95[0])} to ` +
          `${fmt(ablation.difference_vs_full.ci95[1])})`
        : 'not evaluated (run fewbeat ablate)',
      met: ablation ? ablation.difference_vs_full.ci95[0] > 0 : null,
    },
  ];
}
