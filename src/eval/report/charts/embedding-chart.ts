import type { TopLevelSpec } from 'vega-lite';
import type { ColorScale } from './palette.js';

/** One embedded example placed in 2-D, with the display labels it is coloured by. */
export interface MappedPoint {
  x: number;
  y: number;
  /** class display name */
  cls: string;
  /** age band display label */
  band: string;
}

/**
 * The 2-D map of the embedding space twice side by side: coloured by class (left) and by age band
 * (right). Axes carry no units (UMAP coordinates), so they are unlabelled.
 */
export function embeddingChart(
  points: readonly MappedPoint[],
  classScale: ColorScale,
  bandScale: ColorScale,
  subtitle: string,
): TopLevelSpec {
  const axis = { title: null, labels: false, ticks: false, grid: false, domain: true };
  const panel = (field: 'cls' | 'band', title: string, scale: ColorScale, legendTitle: string) => ({
    title,
    width: 400,
    height: 360,
    mark: { type: 'circle' as const, size: 28, opacity: 0.8, aria: false },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, axis, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative' as const, axis, scale: { zero: false } },
      color: {
        field,
        type: 'nominal' as const,
        title: legendTitle,
        scale,
        legend: { orient: 'bottom' as const, columns: 2 },
      },
    },
  });
  return {
    title: { text: 'Embedding space (UMAP)', subtitle },
    data: { values: [...points] },
    hconcat: [
      panel('cls', 'Coloured by class', classScale, 'Class'),
      panel('band', 'Coloured by age band', bandScale, 'Age band'),
    ],
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
}
