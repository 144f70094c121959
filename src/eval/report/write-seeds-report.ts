import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { SeedsMetricsJsonSchema, type SeedsMetricsJson } from '../metrics/seeds-metrics-schema.js';
import { renderSeedsReportHtml, type SeedsRunInfo } from './seeds-report-page.js';

/** Where {@link writeSeedsReport} put its files. */
export interface WrittenSeedsReport {
  html: string;
  metrics: string;
}

/**
 * Writes `outDir/report.html` (the seeds side by side, {@link renderSeedsReportHtml}) and
 * `outDir/metrics-across-seeds.json` (validated against its schema: every number finite), each
 * atomically.
 */
export function writeSeedsReport(metrics: SeedsMetricsJson, run: SeedsRunInfo, outDir: string): WrittenSeedsReport {
  const parsed = SeedsMetricsJsonSchema.parse(metrics);
  const paths = { html: join(outDir, 'report.html'), metrics: join(outDir, 'metrics-across-seeds.json') };
  writeFileAtomic(paths.metrics, `${JSON.stringify(parsed, null, 2)}\n`);
  writeFileAtomic(paths.html, renderSeedsReportHtml(parsed, run));
  return paths;
}
