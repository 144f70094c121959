import type { AblationJson, BaselineJson, MeanCi95Json, SettingJson } from '../metrics/metrics-schema.js';
import { escapeHtml, formatMeanCi, formatNumber, htmlTable } from './html.js';

/** "Novel classes, 5-way 5-shot": how a setting is named throughout the report. */
export function settingTitle(s: { split: string; ways: number; shots: number }): string {
  const split =
    {
      novel: 'Novel classes',
      base: 'Base classes',
      generalised: 'Base + novel classes (generalised)',
      generalized: 'Base + novel classes (generalised)',
    }[s.split] ?? `Split “${s.split}”`;
  return `${split}, ${s.ways}-way ${s.shots}-shot`;
}

/** The headline table: one row per setting. */
export function settingsTable(settings: readonly SettingJson[]): string {
  const rows = settings.map((s) => [
    escapeHtml(settingTitle(s)),
    String(s.queries),
    String(s.episodes),
    formatMeanCi(s.episode_accuracy),
    withCi(s.balanced_accuracy, s.bootstrap_ci95?.balanced_accuracy),
    withCi(s.auroc_macro, s.bootstrap_ci95?.auroc_macro),
    formatNumber(s.f1_macro),
    formatNumber(s.ece),
  ]);
  return htmlTable(
    [
      'Setting',
      'Queries / class',
      'Episodes',
      'Episode accuracy (95 % CI)',
      'Balanced accuracy',
      'Macro AUROC',
      'Macro F1',
      'ECE',
    ],
    rows,
    { numeric: [1, 2, 3, 4, 5, 6, 7] },
  );
}

/** A value, followed by its CI when there is one. */
function withCi(value: number | null, ci: readonly [number, number] | undefined): string {
  return ci ? formatMeanCi({ mean: value ?? Number.NaN, ci95: ci }) : formatNumber(value);
}

/** Per-class table of one setting, with class display names. */
export function perClassTable(s: SettingJson, nameOf: (id: string) => string): string {
  const rows = s.classes.map((c) => {
    const m = s.per_class[c];
    const auroc =
      m?.auroc === null
        ? `<span title="${escapeHtml(m.auroc_reason ?? 'undefined')}">n/a</span>`
        : formatNumber(m?.auroc);
    return [
      `${escapeHtml(nameOf(c))} <code>${escapeHtml(c)}</code>`,
      formatNumber(m?.sensitivity),
      formatNumber(m?.specificity),
      formatNumber(m?.precision),
      formatNumber(m?.f1),
      auroc,
      String(m?.support ?? 0),
    ];
  });
  return htmlTable(['Class', 'Sensitivity', 'Specificity', 'Precision', 'F1', 'AUROC', 'Support (queries)'], rows, {
    numeric: [1, 2, 3, 4, 5, 6],
  });
}

/** Age-band table of one setting. */
export function ageBandTable(s: SettingJson, bandLabelOf: (id: string) => string): string {
  const rows = Object.entries(s.by_age_band).map(([band, m]) => [
    escapeHtml(bandLabelOf(band)),
    formatNumber(m.balanced_accuracy),
    formatNumber(m.auroc_macro),
    formatNumber(m.f1_macro),
    formatNumber(m.ece),
    String(m.support),
  ]);
  return htmlTable(['Age band', 'Balanced accuracy', 'Macro AUROC', 'Macro F1', 'ECE', 'Queries'], rows, {
    numeric: [1, 2, 3, 4, 5],
  });
}

/** A paired difference (full minus variant) with a plain-words reading of its CI. */
function differenceCells(d: MeanCi95Json | undefined, other: 'baseline' | 'variant'): string[] {
  if (!d) return ['—', ''];
  const verdict =
    d.ci95[0] > 0
      ? '<span class="good">full model better</span>'
      : d.ci95[1] < 0
        ? `<span class="bad">${other} better</span>`
        : '<span class="neutral">no clear difference (CI includes 0)</span>';
  return [formatMeanCi(d), verdict];
}

/** A variant's name, with the question it answers below when there is one. */
function nameCell(v: { name: string; question?: string | undefined }): string {
  return v.question
    ? `${escapeHtml(v.name)}<br><span class="question">${escapeHtml(v.question)}</span>`
    : escapeHtml(v.name);
}

/** Entries grouped by setting (split, ways, shots), in order of first appearance. */
function bySetting<T extends { split: string; ways: number; shots: number }>(entries: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const e of entries) {
    const key = `${e.split}|${e.ways}|${e.shots}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()];
}

/** Baselines next to the full model of the same setting, one table per setting. */
export function baselinesTable(baselines: readonly BaselineJson[], settings: readonly SettingJson[]): string {
  return bySetting(baselines)
    .map((group) => {
      const first = group[0] as BaselineJson;
      const full = settings.find((s) => s.split === first.split && s.ways === first.ways && s.shots === first.shots);
      const rows = group.map((b) => [
        nameCell(b),
        formatMeanCi(b.episode_accuracy),
        formatNumber(b.balanced_accuracy),
        formatNumber(b.auroc_macro),
        ...differenceCells(b.difference_vs_full, 'baseline'),
      ]);
      if (full)
        rows.unshift([
          '<strong>fewbeat (full model)</strong>',
          formatMeanCi(full.episode_accuracy),
          formatNumber(full.balanced_accuracy),
          formatNumber(full.auroc_macro),
          '—',
          '',
        ]);
      return htmlTable(
        [
          'Method',
          'Episode accuracy (95 % CI)',
          'Balanced accuracy',
          'Macro AUROC',
          'Full − baseline, paired (95 % CI)',
          'Reading',
        ],
        rows,
        { numeric: [1, 2, 3, 4], caption: escapeHtml(settingTitle(first)) },
      );
    })
    .join('\n');
}

/** Ablations with the paired difference full − ablated, one table per setting. */
export function ablationsTable(ablations: readonly AblationJson[], settings: readonly SettingJson[]): string {
  return bySetting(ablations)
    .map((group) => {
      const first = group[0] as AblationJson;
      const full = settings.find((s) => s.split === first.split && s.ways === first.ways && s.shots === first.shots);
      const rows = group.map((a) => [
        nameCell(a),
        formatMeanCi(a.episode_accuracy),
        formatNumber(a.balanced_accuracy),
        ...differenceCells(a.difference_vs_full, 'variant'),
      ]);
      if (full)
        rows.unshift([
          '<strong>full model</strong>',
          formatMeanCi(full.episode_accuracy),
          formatNumber(full.balanced_accuracy),
          '—',
          '',
        ]);
      return htmlTable(
        ['Variant', 'Episode accuracy (95 % CI)', 'Balanced accuracy', 'Full − variant, paired (95 % CI)', 'Reading'],
        rows,
        { numeric: [1, 2, 3], caption: escapeHtml(settingTitle(first)) },
      );
    })
    .join('\n');
}
