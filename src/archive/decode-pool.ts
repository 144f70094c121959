import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../train/parallel/worker-entry-url.js';
import { decodeRecording, type DecodeResult, type DecodeTask } from './decode-window.js';

/** Decodes recordings on worker threads (or in this thread with none), overlapping with the caller's embedding. */
export class DecodePool {
  private next = 0;
  private readonly waiting = new Map<number, (r: DecodeResult) => void>();
  private turn = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: { id: number; result: DecodeResult }) => {
        const resolve = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        resolve?.(m.result);
      });
      w.on('error', (e) => {
        for (const resolve of this.waiting.values())
          resolve({ ok: false, reason: `decode worker failed: ${e.message}` });
        this.waiting.clear();
      });
    }
  }

  /** A pool of `threads` decode workers (0: decode in this thread). */
  static async create(threads: number): Promise<DecodePool> {
    if (threads === 0) return new DecodePool([]);
    const entry = await workerEntryUrl(import.meta.url, 'decode-worker');
    return new DecodePool(Array.from({ length: threads }, () => new Worker(entry)));
  }

  /** Decode one recording; tasks are dealt to the workers in turn. */
  decode(task: DecodeTask): Promise<DecodeResult> {
    if (this.workers.length === 0) return Promise.resolve(decodeRecording(task));
    const id = this.next++;
    const worker = this.workers[this.turn++ % this.workers.length] as Worker;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
