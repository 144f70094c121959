/** The CSS of the report pages (inline in each page, so that a page opens from disk alone). */
export const STYLE =
  `
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: ` +
  `#222; margin: 0; background: #fafafa; }
  main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; background: white; }
  h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 40px 0 8px; border-bottom: 2px ` +
  `solid #4e79a7; padding-bottom: 4px; }
  h3 { font-size: 16px; margin: 24px 0 8px; } p.lead { color: #555; margin: 0 0 16px; } p.note { color: ` +
  `#555; font-size: 13px; max-width: 900px; }
  table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; } caption { text-align: left; ` +
  `font-weight: 600; padding: 4px 0; }
  td.num, td:first-child { white-space: nowrap; } th, td { padding: 5px 10px; border-bottom: 1px solid ` +
  `#e3e3e3; text-align: left; vertical-align: top; } th { background: #f2f4f7; font-weight: 600; ` +
  `} caption { font-size: 14px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } .ci { color: #666; font-size: ` +
  `12px; white-space: nowrap; }
  .good { color: #1b7a35; font-weight: 600; } .bad { color: #b3261e; font-weight: 600; } .neutral { ` +
  `color: #666; } .question { color: #666; font-size: 12px; white-space: normal; }
  .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 24px 32px; ` +
  `align-items: start; } figure { margin: 0; } figure svg { max-width: 100%; height: ` +
  `auto; } figure.wide { grid-column: 1 / -1; }
  code { font-size: 12px; color: #555; background: #f2f4f7; padding: 1px 4px; border-radius: 3px; } ` +
  `.missing { color: #999; font-style: italic; }
  dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; font-size: 13px; } ` +
  `dl.meta dt { font-weight: 600; color: #444; } dl.meta dd { margin: 0; ` +
  `word-break: break-word; } dl.meta pre { margin: 0; font-size: 12px; ` +
  `background: #f2f4f7; padding: 6px 8px; border-radius: 3px; max-height: ` +
  `320px; overflow: auto; }
  nav { font-size: 13px; margin: 8px 0 0; } nav a { margin-right: 14px; color: #4e79a7; }
`;
