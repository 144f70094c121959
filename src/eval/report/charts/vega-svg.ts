import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Look shared by every chart: readable fonts and no chart border. Label limits are off (0):
 * without a canvas, Vega estimates text widths pessimistically in Node and would cut class names.
 */
const CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, gridColor: '#e6e6e6', labelLimit: 0 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  title: { fontSize: 14, anchor: 'start', offset: 10 },
} as const;

/**
 * Renders a Vega-Lite specification to an SVG string in Node, headless (`renderer: 'none'`):
 * Vega-Lite compiles it to Vega, Vega renders the scenegraph to SVG. The XML namespace
 * attributes are dropped, since inline SVG in HTML does not need them, so that the page holds
 * no URL at all.
 *
 * @param idPrefix unique per SVG of a page: Vega numbers gradient and clip ids with a
 *   process-wide counter, so they are renamed `<idPrefix>0`, `<idPrefix>1`, … to stay unique on
 *   the page and identical from one run to the next
 */
export async function renderVegaLite(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const { spec: vegaSpec } = compile({ ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = (await view.toSVG()).replace(/\s+xmlns(:\w+)?="[^"]*"/g, '');
    return renameIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/** Renames every `id="x"` of an SVG, and its `url(#x)` and `href="#x"` references, to `<prefix><n>`. */
function renameIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g))
    if (!ids.has(m[1] as string)) ids.set(m[1] as string, `${prefix}${ids.size}`);
  if (ids.size === 0) return svg;
  return svg.replace(/(\sid="|url\(#|href="#)([^")]+)/g, (whole, lead: string, id: string) => {
    const renamed = ids.get(id);
    return renamed === undefined ? whole : `${lead}${renamed}`;
  });
}
