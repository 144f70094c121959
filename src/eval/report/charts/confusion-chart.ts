import type { TopLevelSpec } from 'vega-lite';
import type { SettingJson } from '../../metrics/metrics-schema.js';

/**
 * Confusion-matrix heatmap of one setting: rows are the true class, columns the predicted class.
 * The colour is the row share (the share of a class's queries given each label, so the diagonal
 * reads as sensitivity); each cell also prints its count.
 */
export function confusionChart(setting: SettingJson, shortNameOf: (id: string) => string, title: string): TopLevelSpec {
  const matrix = setting.confusion_matrix ?? [];
  const labels = setting.classes.map(shortNameOf);
  const values = matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({
      truth: labels[i],
      predicted: labels[j],
      count,
      share: total === 0 ? 0 : count / total,
    }));
  });
  const side = Math.max(220, 46 * labels.length);
  return {
    title: {
      text: title,
      subtitle: [
        'rows: true class; columns: predicted class',
        'colour: share of the true class’s queries; number: count',
      ],
    },
    width: side,
    height: side,
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: labels, title: null, axis: { labelAngle: -40 } },
      y: { field: 'truth', type: 'nominal', sort: labels, title: null },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'Row share',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { format: '.0%' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 12 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#222' },
        },
      },
    ],
  };
}
