import type { MessagePort, Worker } from 'node:worker_threads';

/** Every worker message has a type; `{ type: 'error', message }` reports a failure. */
interface TypedMessage {
  type: string;
}

/**
 * One worker thread and the messages it has sent that nobody has taken yet: the main thread asks
 * for the next message of a given type ({@link expect}); a worker's `error` message, an uncaught
 * exception, an exit or a timeout become a rejected promise naming the worker.
 */
export class WorkerHandle<ToWorker, FromWorker extends TypedMessage> {
  private readonly inbox: FromWorker[] = [];
  private waiter: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly role: string,
    readonly index: number,
    readonly worker: Worker,
  ) {
    worker.on('message', (m: FromWorker) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w.resolve(m);
      } else this.inbox.push(m);
    });
    worker.on('error', (e) => this.fail(new Error(`${role} ${index} failed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new Error(`${role} ${index} exited (code ${code})`)));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiter;
    this.waiter = null;
    w?.reject(this.failure);
  }

  /** The next message, which must be of `type` (a worker error becomes an Error here). */
  async expect<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    const next = this.inbox.shift();
    const message =
      next ??
      (await new Promise<FromWorker>((resolve, reject) => {
        if (this.failure) {
          reject(this.failure);
          return;
        }
        const timer = setTimeout(() => {
          this.waiter = null;
          reject(new Error(`${this.role} ${this.index}: no '${type}' message within ${timeoutMs} ms`));
        }, timeoutMs);
        this.waiter = {
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
      }));
    if (message.type === 'error')
      throw new Error(`${this.role} ${this.index}: ${(message as unknown as { message: string }).message}`);
    if (message.type !== type) throw new Error(`${this.role} ${this.index}: expected '${type}', got '${message.type}'`);
    return message as Extract<FromWorker, { type: T }>;
  }

  post(message: ToWorker, transfer: Array<MessagePort | ArrayBuffer> = []): void {
    this.worker.postMessage(message, transfer);
  }
}
