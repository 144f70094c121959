import type { TopLevelSpec } from 'vega-lite';
import type { SettingJson } from '../../metrics/metrics-schema.js';
import { classColors } from './palette.js';

/**
 * ROC curves of one setting, one line per class (one-vs-rest, over the queries whose episode
 * offered the class), with the chance diagonal. The legend gives each class its AUROC.
 *
 * @param allClasses the report's global class list (fixes each class's colour)
 * @param nameOf class id → display name
 */
export function rocChart(
  setting: SettingJson,
  allClasses: readonly string[],
  nameOf: (id: string) => string,
  title: string,
): TopLevelSpec {
  const roc = setting.roc ?? {};
  const shown = setting.classes.filter((c) => roc[c] !== undefined);
  const legend = (c: string): string =>
    `${nameOf(c)} (AUROC ${(setting.per_class[c]?.auroc ?? Number.NaN).toFixed(3)})`;
  const values = shown.flatMap((c) => {
    const curve = roc[c] as { fpr: number[]; tpr: number[] };
    return curve.fpr.map((fpr, i) => ({ cls: legend(c), fpr, tpr: curve.tpr[i], step: i }));
  });
  const colors = classColors(shown, allClasses, legend);
  return {
    title: {
      text: title,
      subtitle: `macro AUROC ${setting.auroc_macro === null ? 'undefined' : setting.auroc_macro.toFixed(3)}`,
    },
    width: 330,
    height: 330,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: {
            field: 'fpr',
            type: 'quantitative',
            title: '1 − specificity (false-positive rate)',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'tpr',
            type: 'quantitative',
            title: 'Sensitivity (true-positive rate)',
            scale: { domain: [0, 1] },
          },
          color: {
            field: 'cls',
            type: 'nominal',
            title: 'Class',
            scale: colors,
            legend: { orient: 'bottom', columns: 1 },
          },
          order: { field: 'step', type: 'quantitative' },
        },
      },
    ],
  };
}
