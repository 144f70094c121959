import { workerData } from 'node:worker_threads';
import { loadIndex, type LoadedIndex } from '../../archive/index-format.js';
import { searchIndex, type ClassSearch } from '../../archive/search-index.js';
import { topRowsByClass } from '../../archive/top-rows-by-class.js';
import { FewbeatError, isFewbeatError } from '../../errors.js';
import { parseBank, type PrototypeBank } from '../../fewshot/prototype-bank.js';

/** What the service asks the archive worker (one message per task). */
export type ArchiveTask =
  { op: 'info' } | { op: 'search'; bankKey: string; bankJson: string; className: string; top: number };

/** What the archive worker knows of its index once loaded. */
export interface ArchiveCounts {
  windows: number;
  records: number;
  skipped: number;
}

/** The worker's answer: the value, or the one-line reason the task was refused. */
export type ArchiveResult<T = ArchiveCounts | ClassSearch> = { ok: true; value: T } | { ok: false; message: string };

/**
 * The archive worker thread (run by the one-thread piscina pool of served-archive.ts): loads the
 * index at `workerData.indexDir` once, at its first task ({@link loadWarm}), and runs {@link searchIndex}
 * on it, so that neither the loading nor a search (ONNX Runtime's scan blocks its calling thread while it runs) holds
 * the service's request thread. Bank versions are parsed once and kept by key (versions never change).
 */
const { indexDir, configSha256 } = workerData as { indexDir: string; configSha256: string };

let loaded: Promise<LoadedIndex> | null = null;

/**
 * The index, loaded, with one scan of its matrix run at once (for the rows nearest its first row): it loads ONNX
 * Runtime on this thread and makes the matrix's 8-bit copy (`topRowsByClass`), which the first search would otherwise
 * pay for.
 */
async function loadWarm(): Promise<LoadedIndex> {
  const index = loadIndex(indexDir);
  // The index switched to another model's embeddings between the service's check and this load.
  if (index.header.model.configSha256 !== configSha256)
    throw new FewbeatError(
      `the archive index switched to another model's embeddings (${index.header.model.dir}) while the service ` +
        'started: restart it with that model',
      { file: indexDir },
    );
  const D = index.header.dim;
  if (index.windows.length > 0)
    await topRowsByClass(
      index.vectors,
      D,
      { kind: 'distance', directions: [index.vectors.slice(0, D)], bias: new Float64Array(1) },
      1,
      [0],
      [1],
    );
  return index;
}
const banks = new Map<string, PrototypeBank>();

function bankOf(key: string, json: string): PrototypeBank {
  const bank = banks.get(key) ?? parseBank(JSON.parse(json), key);
  banks.delete(key);
  banks.set(key, bank);
  if (banks.size > 16) banks.delete(banks.keys().next().value as string);
  return bank;
}

export default async function handle(task: ArchiveTask): Promise<ArchiveResult> {
  try {
    loaded ??= loadWarm().catch((e: unknown) => {
      loaded = null;
      throw e;
    });
    const index = await loaded;
    if (task.op === 'info')
      return {
        ok: true,
        value: {
          windows: index.windows.length,
          records: new Set(index.windows.map((w) => w.sha256)).size,
          skipped: index.skipped.length,
        },
      };
    const [found] = await searchIndex(index, bankOf(task.bankKey, task.bankJson), {
      classes: [task.className],
      top: task.top,
    });
    if (!found) throw new Error('unreachable: one class asked for, one answer');
    return { ok: true, value: found };
  } catch (e) {
    if (isFewbeatError(e)) return { ok: false, message: e.message };
    throw e;
  }
}
