import type { IndexEntry } from './index-format.js';

/** A unit to an index: not in it yet, in it already (same content and record), or a copy of another record. */
export type LedgerVerdict = 'new' | 'already' | { of: string };

/**
 * What an index holds, by content: for each unit key (the SHA-256 of a record's files, with its
 * manifest window) the record first indexed under it, and every (key, record) pair seen. The one
 * rule that keeps an index free of double embeddings: a key is embedded once; the same content under
 * another path is a duplicate of the first; the same pair again is already done. Used when a run
 * starts (the committed entries), while it runs, and when workers' shards are merged.
 */
export class IndexLedger {
  private readonly first = new Map<string, string>();
  private readonly pairs = new Set<string>();

  constructor(entries: Iterable<IndexEntry> = []) {
    for (const e of entries) if (e.key !== null) this.classify(e.key, e.record);
  }

  /** The verdict for `record` with unit key `key`; the pair is recorded from now on. */
  classify(key: string, record: string): LedgerVerdict {
    const pair = `${key}\0${record}`;
    const seen = this.first.get(key);
    if (seen === undefined) {
      this.first.set(key, record);
      this.pairs.add(pair);
      return 'new';
    }
    if (this.pairs.has(pair)) return 'already';
    this.pairs.add(pair);
    return { of: seen };
  }
}
