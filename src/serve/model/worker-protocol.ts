import type { CaseVectors } from './model-ops.js';
import type { StoredFile } from './stored-record.js';

/** A stored record as the worker opens it: its content hash (the cache key) and its files. */
export interface RecordRef {
  sha256: string;
  files: StoredFile[];
  /** Sampling rate for a CSV waveform without a time column. */
  fs?: number | null;
}

/** What the service asks a model worker to do (one message per task). */
export type WorkerTask =
  | { op: 'inspect'; record: RecordRef; format: string; clinical: Record<string, unknown> }
  | { op: 'waveform'; record: RecordRef; maxSamples: number }
  | { op: 'analyse'; caseId: string; record: RecordRef; clinical: Record<string, unknown> }
  | {
      op: 'buildBank';
      items: Array<{ caseId: string; class: string; record: RecordRef; clinical: Record<string, unknown> }>;
    }
  | { op: 'caseVectors'; record: RecordRef; clinical: Record<string, unknown>; explain: boolean }
  | {
      op: 'classify';
      vectors: CaseVectors;
      contextGiven: boolean;
      bankKey: string;
      /** The bank version's JSON as UTF-8 in shared memory: handed to the worker without a copy. */
      bankJson: Uint8Array;
      nearest: number;
    };

/**
 * A worker's answer: the value, or the one-line reason the input was refused; with the worker's
 * thread id and the tensors alive in its tfjs engine after the task (0 before the model is loaded).
 */
export type WorkerResult = ({ ok: true; value: unknown } | { ok: false; message: string }) & {
  thread: number;
  tensors: number;
};
