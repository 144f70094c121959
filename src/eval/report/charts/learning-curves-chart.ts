import type { TopLevelSpec } from 'vega-lite';
import type { TrainingHistory } from '../report-data.js';

/**
 * Learning curves: every loss part against the training episode (left), and validation accuracy
 * on held-out base-class patients against the episode (right).
 */
export function learningCurvesChart(history: TrainingHistory): TopLevelSpec {
  const losses = history.steps.flatMap((s) =>
    Object.entries(s.losses).map(([part, value]) => ({ episode: s.episode, part, value })),
  );
  const validation = (history.validation ?? []).map((v) => ({ episode: v.episode, accuracy: v.accuracy }));
  // One episode axis for both panels, from 0, with integer ticks (a lone validation point would
  // otherwise get a one-value domain labelled "20.000000").
  const lastEpisode = Math.max(1, ...history.steps.map((s) => s.episode), ...validation.map((v) => v.episode));
  const episode = {
    field: 'episode',
    type: 'quantitative' as const,
    title: 'Training episode',
    scale: { domain: [0, lastEpisode] },
    axis: { format: 'd', tickMinStep: 1 },
  };
  return {
    hconcat: [
      {
        title: 'Training loss by part',
        width: 430,
        height: 260,
        data: { values: losses },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: episode,
          y: { field: 'value', type: 'quantitative', title: 'Loss' },
          color: {
            field: 'part',
            type: 'nominal',
            title: 'Loss part',
            scale: { scheme: 'tableau10' },
            legend: { orient: 'bottom', direction: 'horizontal' },
          },
        },
      },
      {
        title: 'Validation accuracy (held-out base-class patients)',
        width: 430,
        height: 260,
        data: { values: validation },
        mark: { type: 'line', point: true, color: '#59a14f' },
        encoding: {
          x: episode,
          y: { field: 'accuracy', type: 'quantitative', title: 'Episode accuracy', scale: { domain: [0, 1] } },
        },
      },
    ],
  };
}
