import { threadId, workerData } from 'node:worker_threads';
import type { ClinicalInput } from '../../clinical/encode.js';
import type { BatchSource } from '../../data/batch.js';
import { isFewbeatError } from '../../errors.js';
import type { FewShotHead } from '../../fewshot/few-shot-head.js';
import { bankHead, parseBank, type PrototypeBank } from '../../fewshot/prototype-bank.js';
import type { Ecg } from '../../io/ecg.js';
import { initBackend, liveTensors } from '../../runtime/backend.js';
import { readModelDir, type TrainedModelDir } from '../../model-dir/model-dir.js';
import { analyseCase } from './analyse-case.js';
import { buildBank, caseVectors, classifyCase, clinicalInputOf, modelInput } from './model-ops.js';
import { OnnxVectors } from './onnx-vectors.js';
import { loadStoredRecord } from './stored-record.js';
import type { RecordRef, WorkerResult, WorkerTask } from './worker-protocol.js';

/**
 * A model worker thread (run by the piscina pool of model-service.ts): loads the model directory
 * once, keeps recently used records, model inputs and banks (each bank version with its few-shot
 * head fitted once), and answers one task at a time. Bad input comes back as `{ ok: false, message }`
 * (the reader's one line), never as a crash.
 *
 * Every cache is keyed by content: a record by its SHA-256, a case's model input by the record's
 * SHA-256 and its clinical context, a bank by its id and version (versions never change). The worker
 * holds one model, so the model version is implicit in every key. A case's vectors are kept by the
 * service (model-service.ts), so that every worker can classify every case.
 */
const { modelDir } = workerData as { modelDir: string };

let trained: Promise<TrainedModelDir> | null = null;
/** Whether the model (and so the tfjs engine) is loaded: its tensors can be counted. */
let loaded = false;
function model(): Promise<TrainedModelDir> {
  trained ??= initBackend('wasm')
    .then(() => readModelDir(modelDir))
    .then((t) => {
      loaded = true;
      return t;
    });
  return trained;
}

/** The model on ONNX Runtime for the occlusion batches (null: not exportable here, TensorFlow.js runs them). */
let onnx: Promise<OnnxVectors | null> | null = null;
function onnxVectors(t: TrainedModelDir): Promise<OnnxVectors | null> {
  onnx ??= OnnxVectors.open(t).catch(() => null);
  return onnx;
}

/** A small least-recently-used cache. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  /** The value under `key` (now the most recently used), or undefined. */
  peek(key: string): V | undefined {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }
  set(key: string, value: V): V {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
  get(key: string, make: () => V): V {
    return this.peek(key) ?? this.set(key, make());
  }
}

const records = new Lru<Ecg>(32);
const inputs = new Lru<BatchSource>(64);
const banks = new Lru<{ bank: PrototypeBank; head: FewShotHead }>(16);
const analyses = new Lru<unknown>(64);

const ecgOf = (r: RecordRef): Ecg => records.get(r.sha256, () => loadStoredRecord(r.files, { fs: r.fs ?? undefined }));

async function run(task: WorkerTask): Promise<unknown> {
  if (task.op === 'inspect') {
    const ecg = loadStoredRecord(task.record.files, { fs: task.record.fs ?? undefined });
    const t = await model();
    clinicalInputOf(task.clinical, t.encoder.state.schema);
    const samples = ecg.signals[0]?.length ?? 0;
    return {
      format: ecg.meta?.format ?? task.format,
      fs: ecg.fs,
      leads: ecg.leads,
      units: ecg.units,
      samples,
      durationS: samples / ecg.fs,
    };
  }
  const t = await model();
  if (task.op === 'waveform') {
    const ecg = ecgOf(task.record);
    const n = ecg.signals[0]?.length ?? 0;
    const decimation = Math.max(1, Math.ceil(n / task.maxSamples));
    return {
      fs: ecg.fs / decimation,
      leads: ecg.leads,
      units: ecg.units,
      decimation,
      signals: ecg.signals.map((s) => {
        const out: Array<number | null> = [];
        for (let i = 0; i < n; i += decimation)
          out.push(Number.isFinite(s[i]) ? Math.round((s[i] as number) * 1e5) / 1e5 : null);
        return out;
      }),
    };
  }
  if (task.op === 'analyse') {
    const context = clinicalInputOf(task.clinical, t.encoder.state.schema);
    return analyses.get(`${task.caseId}:${task.record.sha256}:${JSON.stringify(task.clinical)}`, () =>
      analyseCase(task.caseId, ecgOf(task.record), context),
    );
  }
  const inputOf = (
    record: RecordRef,
    clinical: Record<string, unknown>,
  ): { input: BatchSource; context: ClinicalInput } => {
    const context = clinicalInputOf(clinical, t.encoder.state.schema);
    const input = inputs.get(`${record.sha256}:${JSON.stringify(clinical)}`, () =>
      modelInput(t, ecgOf(record), context),
    );
    return { input, context };
  };
  if (task.op === 'buildBank') {
    return buildBank(
      t,
      task.items.map((item) => ({
        caseId: item.caseId,
        class: item.class,
        input: inputOf(item.record, item.clinical).input,
      })),
    );
  }
  if (task.op === 'caseVectors')
    return caseVectors(
      t,
      ecgOf(task.record),
      inputOf(task.record, task.clinical).input,
      task.explain,
      task.explain ? await onnxVectors(t) : null,
    );
  const { bank, head } = banks.get(task.bankKey, () => {
    const { buffer, byteOffset, byteLength } = task.bankJson;
    const parsed = parseBank(JSON.parse(Buffer.from(buffer, byteOffset, byteLength).toString('utf8')), task.bankKey);
    return { bank: parsed, head: bankHead(parsed) };
  });
  return classifyCase(bank, head, task.vectors, { contextGiven: task.contextGiven, nearest: task.nearest });
}

export default async function handle(task: WorkerTask): Promise<WorkerResult> {
  const counts = (): { thread: number; tensors: number } => ({ thread: threadId, tensors: loaded ? liveTensors() : 0 });
  try {
    const value = await run(task);
    return { ok: true, value, ...counts() };
  } catch (e) {
    if (isFewbeatError(e)) return { ok: false, message: e.message, ...counts() };
    throw e;
  }
}
