/**
 * Entry of a trunk worker thread (started by `TrunkPool`): one {@link TrunkSession} with its own
 * ONNX Runtime intra-op threads, serving forward and vjp requests in order.
 */
import { parentPort } from 'node:worker_threads';
import { sharedClock } from '../parallel/protocol.js';
import type { FromTrunkWorker, ToTrunkWorker } from './trunk-protocol.js';
import { TrunkSession } from './trunk-session.js';

const port = parentPort;
if (!port) throw new Error('trunk-worker.ts runs only as a worker thread');
const post = (message: FromTrunkWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

let session: TrunkSession | null = null;
let queue: Promise<void> = Promise.resolve();

async function handle(message: ToTrunkWorker): Promise<void> {
  switch (message.type) {
    case 'init':
      session = await TrunkSession.create(message.spec, message.threads);
      post({ type: 'ready' });
      return;
    case 'forward': {
      const s = ready();
      const results = [];
      for (const { key, call } of message.calls) results.push(await s.forward(key, call, message.parameters));
      post(
        { type: 'forwarded', id: message.id, results, postedAt: sharedClock() },
        results.flatMap((r) => [r.features.buffer as ArrayBuffer, r.statistics.buffer as ArrayBuffer]),
      );
      return;
    }
    case 'vjp': {
      const s = ready();
      const values = new Float32Array(s.parameterSize);
      for (const { key, dFeatures } of message.calls) await s.vjp(key, dFeatures, values);
      post({ type: 'gradients', id: message.id, values }, [values.buffer]);
      return;
    }
    case 'clear':
      session?.clear();
  }
}

function ready(): TrunkSession {
  if (!session) throw new Error('trunk worker: not initialised');
  return session;
}

port.on('message', (message: ToTrunkWorker) => {
  queue = queue
    .then(() => handle(message))
    .catch((e: unknown) => {
      session?.clear();
      post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    });
});
