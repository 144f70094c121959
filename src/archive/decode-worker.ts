import { parentPort } from 'node:worker_threads';
import { decodeRecording, type DecodeTask } from './decode-window.js';

/** Worker thread entry: decode one recording per message, answer `{ id, result }` (signal buffers transferred). */
parentPort?.on('message', async (message: { id: number; task: DecodeTask }) => {
  const result = await decodeRecording(message.task);
  const transfer = result.ok ? result.windows.flatMap((w) => [w.signal.buffer, w.mask.buffer]) : [];
  parentPort?.postMessage({ id: message.id, result }, transfer as ArrayBuffer[]);
});
