/**
 * The HTML evaluation report: `writeReport(data, outDir)` writes `report.html` (self-contained:
 * inline CSS and SVG, no script, no external request) and `metrics.json`, both atomically.
 * `ReportData` says what to supply: metrics.json content, run metadata, and optionally the
 * training history (learning curves) and embeddings (UMAP map).
 */
export { renderReportHtml, type ReportOptions } from './report-page.js';
export * from './report-data.js';
export { umapProjection, type UmapOptions } from './umap-projection.js';
export { writeReport, type WrittenReport } from './write-report.js';
export { PROJECT_TARGETS, targetChecks, type TargetCheck } from './project-targets.js';
