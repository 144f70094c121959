import type { TopLevelSpec } from 'vega-lite';
import type { SettingJson } from '../../metrics/metrics-schema.js';

/**
 * Reliability diagram of one setting: for each equal-width confidence bin, the share of correct
 * predictions (bar) against the diagonal of perfect calibration, with the number of queries per
 * bin below. Bars under the diagonal mean over-confidence.
 */
export function reliabilityChart(setting: SettingJson, title: string): TopLevelSpec {
  const bins = setting.reliability?.bins ?? [];
  const values = bins.map((b) => ({
    lower: b.lower,
    upper: b.upper,
    accuracy: b.accuracy,
    confidence: b.confidence,
    count: b.count,
  }));
  const x = {
    field: 'lower',
    type: 'quantitative' as const,
    title: 'Confidence (probability of the predicted class)',
    scale: { domain: [0, 1] },
  };
  return {
    title: { text: title, subtitle: `ECE ${setting.ece.toFixed(3)} (${bins.length} equal-width bins)` },
    data: { values },
    vconcat: [
      {
        width: 330,
        height: 250,
        layer: [
          {
            data: {
              values: [
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ],
            },
            mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
            encoding: { x: { field: 'x', type: 'quantitative', title: null }, y: { field: 'y', type: 'quantitative' } },
          },
          {
            transform: [{ filter: 'datum.count > 0' }],
            mark: { type: 'rect', color: '#4e79a7', opacity: 0.85, stroke: 'white' },
            encoding: {
              x: { ...x, title: null },
              x2: { field: 'upper' },
              y: { field: 'accuracy', type: 'quantitative', title: 'Share correct', scale: { domain: [0, 1] } },
              y2: { datum: 0 },
            },
          },
        ],
      },
      {
        width: 330,
        height: 70,
        transform: [{ filter: 'datum.count > 0' }],
        mark: { type: 'rect', color: '#bab0ac', stroke: 'white' },
        encoding: {
          x,
          x2: { field: 'upper' },
          y: { field: 'count', type: 'quantitative', title: 'Queries' },
          y2: { datum: 0 },
        },
      },
    ],
  };
}
