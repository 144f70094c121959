import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { withContentHash } from '../../util/content-hash.js';
import { parseReportData, type ReportData } from './report-data.js';
import { renderReportHtml, type ReportOptions } from './report-page.js';

/** The format name and version of the evaluation `metrics.json`. */
export const METRICS_FORMAT = 'fewbeat-eval-metrics';
export const METRICS_VERSION = 1;

/** Where {@link writeReport} put its files. */
export interface WrittenReport {
  html: string;
  metrics: string;
}

/**
 * Writes `outDir/report.html` (the self-contained page of {@link renderReportHtml}) and
 * `outDir/metrics.json` (`data.metrics`, validated against the metrics.json schema, with
 * `format: "fewbeat-eval-metrics"`, `version: 1` and its content hash `sha256` for readers to check), each
 * atomically: a reader sees the old file or the new one, never half of one. `options.targets` adds
 * the section that checks the run against the project's own targets (off by default).
 *
 * @example
 *   await writeReport({ metrics, run: { createdAt: new Date().toISOString(), command }, history, embeddings },
 *       'out/report');
 */
export async function writeReport(
  data: ReportData,
  outDir: string,
  options: ReportOptions = {},
): Promise<WrittenReport> {
  const { metrics } = parseReportData(data);
  const html = await renderReportHtml(data, options);
  const paths = { html: join(outDir, 'report.html'), metrics: join(outDir, 'metrics.json') };
  const file = withContentHash({ format: METRICS_FORMAT, version: METRICS_VERSION, ...metrics });
  writeFileAtomic(paths.metrics, `${JSON.stringify(file, null, 2)}\n`);
  writeFileAtomic(paths.html, html);
  return paths;
}
