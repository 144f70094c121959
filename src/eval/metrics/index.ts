/**
 * fewbeat's evaluation metrics: plain TypeScript over arrays, golden-tested against scikit-learn
 * 1.2.1 (test/fixtures/reference/metrics.json).
 *
 * Building metrics.json from an evaluation run:
 *
 *     const description = { split: 'novel', ways: 5, shots: 5, queries: 10, classes };
 *     const settings  = [settingEntry(fullPredictions, description, { bootstrap: { seed } })];
 *     const baselines = [baselineEntry('ecg-only-protonet', ecgOnlyPredictions, fullPredictions, description)];
 *     const ablations = [ablationEntry('no-contrastive', ablatedPredictions, fullPredictions, description)];
 *     const metrics: MetricsJson = MetricsJsonSchema.parse({ settings, baselines, ablations });
 *
 * where every prediction is a {@link QueryPrediction} (episode index, true class, the episode's
 * classes and the probabilities over them, age band). Lower-level functions work on class indices.
 */
export { binaryAuroc, oneVsRestAuroc, type AurocResult, type OneVsRestAuroc } from './auroc.js';
export { accuracy, balancedAccuracy } from './balanced-accuracy.js';
export { bootstrapCi, type BootstrapCi, type BootstrapOptions } from './bootstrap-ci.js';
export { brierScore } from './brier-score.js';
export { calibration, type Calibration, type CalibrationOptions, type ReliabilityBin } from './calibration.js';
export { ablationEntry, baselineEntry, type ComparisonOptions } from './comparison-entries.js';
export { confusionMatrix } from './confusion-matrix.js';
export { episodeAccuracies } from './episode-accuracy.js';
export { logLoss } from './log-loss.js';
export { meanCi95, type MeanCi } from './mean-ci.js';
export * from './metrics-schema.js';
export { pairedDifferenceCi95 } from './paired-difference.js';
export { pooledBootstrapCis, type PooledBootstrapCis, type PooledBootstrapOptions } from './pooled-bootstrap.js';
export { pooledMetrics, type PooledClassMetrics, type PooledMetrics } from './pooled-metrics.js';
export { poolPredictions, type PooledPredictions, type QueryPrediction } from './pooled-predictions.js';
export { precisionRecallF1, type PrecisionRecallF1 } from './precision-recall-f1.js';
export { rocCurve, type RocCurve, type RocCurveOptions } from './roc-curve.js';
export { sensitivitySpecificity, type SensitivitySpecificity } from './sensitivity-specificity.js';
export { settingEntry, type SettingDescription, type SettingEntryOptions } from './setting-entry.js';
