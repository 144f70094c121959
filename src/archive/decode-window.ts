import type { MeasurementValues } from '../data/measurements.js';
import { MEASUREMENT_FEATURES, measureRecording } from '../data/measurements.js';
import { preprocessEcg, type PreprocessSpec } from '../data/preprocess.js';
import { isFewbeatError } from '../errors.js';
import { loadEcgAsync } from '../io/load-ecg.js';
import type { CohortWindow } from '../io/manifest/index.js';
import { recordingWindows } from './archive-units.js';

/** One recording to decode: what a worker thread needs (plain data, structured-cloneable). */
export interface DecodeTask {
  recordPath: string;
  window: CohortWindow | null;
  ageYears: number | null;
  sex: 'M' | 'F' | null;
  spec: PreprocessSpec;
  windowSeconds: number;
  /** Whether to measure each window (`measureRecording`, most of the CPU); false = all null (not measured). */
  measure: boolean;
}

/** One decoded window: the model input and the measurements. */
export interface DecodedWindow {
  window: CohortWindow | null;
  signal: Float32Array;
  mask: Float32Array;
  measurements: MeasurementValues;
}

/** A decoded recording, or why not (`retry`: a failure of the run, not of the file: not recorded as done). */
export type DecodeResult = { ok: true; windows: DecodedWindow[] } | { ok: false; reason: string; retry?: boolean };

/**
 * Read a recording, cut it into windows ({@link recordingWindows}), preprocess and measure each
 * (`preprocessEcg`, `measureRecording` with the child's age and sex): the CPU-heavy part of
 * indexing, run on worker threads. A failure comes back as one line naming the file.
 */
export async function decodeRecording(task: DecodeTask): Promise<DecodeResult> {
  try {
    const ecg = await loadEcgAsync(task.recordPath, { window: task.window });
    const windows = recordingWindows(ecg, task.windowSeconds).map(({ window, ecg: part }) => {
      const processed = preprocessEcg(part, task.spec, task.recordPath);
      return {
        window: task.window ?? window,
        signal: processed.signal,
        mask: processed.mask,
        measurements: task.measure ? measureRecording(part, task) : MEASUREMENT_FEATURES.map(() => null),
      };
    });
    return { ok: true, windows };
  } catch (e) {
    // One bad file of an archive never stops the index: its reason is kept and the run goes on.
    const reason = isFewbeatError(e)
      ? e.file
        ? e.message
        : `${task.recordPath}: ${e.message}`
      : `${task.recordPath}: unexpected error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
    return { ok: false, reason };
  }
}
