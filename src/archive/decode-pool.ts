import { Worker } from 'node:worker_threads';
import { workerEntryUrl } from '../train/parallel/worker-entry-url.js';
import { decodeRecording, type DecodeResult, type DecodeTask } from './decode-window.js';

interface Slot {
  worker: Worker;
  /** Tasks posted to this worker and not answered yet. */
  waiting: Map<number, { recordPath: string; resolve: (r: DecodeResult) => void }>;
}

/**
 * Decodes recordings on worker threads (or in this thread with none), overlapping with the
 * caller's embedding. A worker that dies (e.g. out of memory on a huge recording) fails only its
 * own tasks, each naming its record, marked `retry` (a later run tries again), and is replaced.
 */
export class DecodePool {
  private next = 0;
  private turn = 0;
  private readonly slots: Slot[] = [];

  private constructor(
    private readonly entry: URL | null,
    threads: number,
  ) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.entry as URL), waiting: new Map() };
    slot.worker.on('message', (m: { id: number; result: DecodeResult }) => {
      const task = slot.waiting.get(m.id);
      slot.waiting.delete(m.id);
      task?.resolve(m.result);
    });
    const fail = (why: string): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots[i] = this.spawn();
      for (const { recordPath, resolve } of slot.waiting.values())
        resolve({ ok: false, reason: `${recordPath}: decode worker failed: ${why}`, retry: true });
      slot.waiting.clear();
    };
    slot.worker.on('error', (e) => fail(e.message));
    slot.worker.on('exit', (code) => fail(`exited with code ${code}`));
    return slot;
  }

  /** A pool of `threads` decode workers (0: decode in this thread). */
  static async create(threads: number): Promise<DecodePool> {
    if (threads === 0) return new DecodePool(null, 0);
    return new DecodePool(await workerEntryUrl(import.meta.url, 'decode-worker'), threads);
  }

  /** Decode one recording; tasks are dealt to the workers in turn. */
  decode(task: DecodeTask): Promise<DecodeResult> {
    if (this.slots.length === 0) return decodeRecording(task);
    const id = this.next++;
    const slot = this.slots[this.turn++ % this.slots.length] as Slot;
    return new Promise((resolve) => {
      slot.waiting.set(id, { recordPath: task.recordPath, resolve });
      slot.worker.postMessage({ id, task });
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
