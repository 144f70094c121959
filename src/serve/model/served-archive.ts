import { join, resolve } from 'node:path';
import { modelConfigSha256 } from '../../archive/build-index.js';
import { INDEX_FILE, loadIndex, readIndexHeader, type LoadedIndex } from '../../archive/index-format.js';
import { searchIndex, type ClassSearch } from '../../archive/search-index.js';
import { FewbeatError } from '../../errors.js';
import { parseBank, type PrototypeBank } from '../../fewshot/prototype-bank.js';

/** What the service tells about the archive index it searches. */
export interface ArchiveInfo {
  /** The index folder. */
  dir: string;
  /** Embedded windows, and the distinct recordings they come from. */
  windows: number;
  records: number;
  /** Recordings the index run skipped (each with its reason in the index). */
  skipped: number;
  /** SHA-256 of the config.json of the model that embedded the archive (the served model's). */
  modelConfigSha256: string;
  dim: number;
  windowSeconds: number;
  measurementFeatures: string[];
}

/**
 * The archive index `fewbeat serve --archive INDEX` searches: loaded once at start (every window's
 * vector in one contiguous matrix, as `fewbeat search` loads it) after checking that the served
 * model embedded it (the index's `index.json` records the SHA-256 of the model's config.json).
 *
 * A search is {@link searchIndex}, the function `fewbeat search` runs: its scan of the matrix runs on
 * ONNX Runtime's own threads (the request thread waits for it without working), then the bank's head
 * re-ranks the few thousand best rows on the request thread. Searches run one after another, so
 * that concurrent ones neither hold several scans' outputs at once nor share the cores between them.
 */
export class ServedArchive {
  private queue: Promise<unknown> = Promise.resolve();
  /** Parsed bank versions by key (`bankId@version`: versions never change), least recently used first. */
  private readonly banks = new Map<string, PrototypeBank>();

  private constructor(
    readonly index: LoadedIndex,
    readonly info: ArchiveInfo,
  ) {}

  /** Load the index at `dir`, refusing one that another model than the one at `modelDir` embedded. */
  static open(dir: string, modelDir: string): ServedArchive {
    const header = readIndexHeader(dir);
    if (!header)
      throw new FewbeatError(`no ${INDEX_FILE} here: not a fewbeat archive index (write one with fewbeat index)`, {
        file: dir,
      });
    if (header.model.configSha256 !== modelConfigSha256(modelDir))
      throw new FewbeatError(
        `the archive index was built with another model (${header.model.dir}) than the served one ` +
          `(${resolve(modelDir)}): index the archive with the served model (fewbeat index ARCHIVE --model ` +
          `${modelDir} --out NEW_INDEX)`,
        { file: join(dir, INDEX_FILE) },
      );
    const index = loadIndex(dir);
    return new ServedArchive(index, {
      dir: resolve(dir),
      windows: index.windows.length,
      records: new Set(index.windows.map((w) => w.sha256)).size,
      skipped: index.skipped.length,
      modelConfigSha256: header.model.configSha256,
      dim: header.dim,
      windowSeconds: header.windowSeconds,
      measurementFeatures: header.measurementFeatures,
    });
  }

  /**
   * Rank the archive for one class of a bank version (`bankKey` names it, `bankJson` is its stored
   * enrolment): the `top` windows by the bank's calibrated probability of the class, the bank's own
   * examples left out.
   */
  search(bankKey: string, bankJson: string, className: string, top: number): Promise<ClassSearch> {
    const run = this.queue.then(async () => {
      const [found] = await searchIndex(this.index, this.bankOf(bankKey, bankJson), { classes: [className], top });
      if (!found) throw new Error('unreachable: one class asked for, one answer');
      return found;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private bankOf(key: string, json: string): PrototypeBank {
    let bank = this.banks.get(key);
    if (bank) this.banks.delete(key);
    else bank = parseBank(JSON.parse(json), key);
    this.banks.set(key, bank);
    if (this.banks.size > 16) this.banks.delete(this.banks.keys().next().value as string);
    return bank;
  }
}
