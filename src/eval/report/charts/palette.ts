import { AGE_BAND_IDS } from '../../../clinical/age-bands.js';

/**
 * Colours shared by every chart, so that a class (or age band) has the same colour in the ROC
 * plot, the embedding map and everywhere else in one report: a class keeps the colour of its
 * position in the report's global class list, whatever subset a chart shows.
 */

/** Tableau 10 (Vega's `tableau10`): distinct, colour-blind-aware, readable on white. */
const TABLEAU_10 = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
/** Tableau 20 (Vega's `tableau20`), for reports with more than 10 classes. */
const TABLEAU_20 = [
  '#4c78a8',
  '#9ecae9',
  '#f58518',
  '#ffbf79',
  '#54a24b',
  '#88d27a',
  '#b79a20',
  '#f2cf5b',
  '#439894',
  '#83bcb6',
  '#e45756',
  '#ff9d98',
  '#79706e',
  '#bab0ac',
  '#d67195',
  '#fcbfd2',
  '#b279a2',
  '#d6a5c9',
  '#9e765f',
  '#d8b5a5',
];
/** Viridis sampled over [0, 0.85] (its pale yellow end is unreadable on white), one per known age band. */
const VIRIDIS = [
  '#440154',
  '#482173',
  '#433e85',
  '#38598c',
  '#2d708e',
  '#25858e',
  '#1e9b8a',
  '#2ab07f',
  '#52c569',
  '#86d549',
  '#b5de2b',
];
const UNKNOWN_GREY = '#9e9e9e';

/** An ordinal colour scale: `domain[i]` is drawn in `range[i]`. */
export interface ColorScale {
  domain: string[];
  range: string[];
}

/**
 * Colours of the classes `shown` (in that order), taken from their position in `allClasses`,
 * the report's global class list. `labelOf` turns an id into the legend text.
 */
export function classColors(
  shown: readonly string[],
  allClasses: readonly string[],
  labelOf: (id: string) => string = (id) => id,
): ColorScale {
  const palette = allClasses.length <= TABLEAU_10.length ? TABLEAU_10 : TABLEAU_20;
  return {
    domain: shown.map(labelOf),
    range: shown.map((id) => {
      const i = allClasses.indexOf(id);
      return i < 0 ? UNKNOWN_GREY : (palette[i % palette.length] as string);
    }),
  };
}

/**
 * Age bands are ordered, so they get a sequential scale in the order of src/clinical/age-bands.ts;
 * `unknown` and unrecognised bands are grey and come last.
 */
export function ageBandColors(bands: readonly string[], labelOf: (id: string) => string = (id) => id): ColorScale {
  const rank = (b: string): number => {
    const i = (AGE_BAND_IDS as readonly string[]).indexOf(b);
    return i < 0 ? AGE_BAND_IDS.length : i;
  };
  const ordered = [...new Set(bands)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { domain: ordered.map(labelOf), range: ordered.map((b) => VIRIDIS[rank(b)] ?? UNKNOWN_GREY) };
}
