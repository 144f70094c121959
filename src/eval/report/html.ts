/** Small helpers for writing the report's HTML by hand (the page is static; no template engine needed). */

/** Escapes the five characters that are special in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string,
  );
}

/** A number with `digits` decimals, or an em dash for null/undefined/non-finite. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
}

/** "0.812 (0.801 to 0.823)": a mean with its 95 % CI. */
export function formatMeanCi(m: { mean: number; ci95: readonly [number, number] } | undefined, digits = 3): string {
  if (!m) return '—';
  return (
    `${formatNumber(m.mean, digits)} <span ` +
    `class="ci">(${formatNumber(m.ci95[0], digits)} to ` +
    `${formatNumber(m.ci95[1], digits)})</span>`
  );
}

/** A table with a header row; cells are HTML (escape text first). `numeric` columns are right-aligned. */
export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { numeric?: readonly number[]; caption?: string } = {},
): string {
  const numeric = new Set(options.numeric ?? []);
  const cls = (j: number): string => (numeric.has(j) ? ' class="num"' : '');
  const head = headers.map((h, j) => `<th${cls(j)}>${h}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, j) => `<td${cls(j)}>${c}</td>`).join('')}</tr>`).join('\n');
  const caption = options.caption ? `<caption>${options.caption}</caption>` : '';
  return `<table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
