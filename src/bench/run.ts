import { pathToFileURL } from 'node:url';
import { run as runFormatsBinary } from './formats-binary.js';
import { run as runFormats } from './formats.js';
import { run as runSignal } from './signal.js';
import { run as runSynth } from './synth.js';
import { run as runWfdb } from './wfdb.js';

/**
 * `npm run bench`: every plain-TypeScript benchmark of the repository in one go (WFDB, XML, DICOM and SCP-ECG
 * decoding, signal processing, synthetic cohort), one JSON object of medians per area. The model's train
 * and inference benchmark is `fewbeat bench`; `npm run bench:compare` sets it against PyTorch.
 */
export async function runAll(): Promise<Record<string, Record<string, number>>> {
  return {
    wfdb: await runWfdb(),
    formatsXml: await runFormats(),
    formatsBinary: await runFormatsBinary(),
    signal: await runSignal(),
    synth: await runSynth(),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await runAll(), null, 2)}\n`);
}
