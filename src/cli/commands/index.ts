import type { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerCohort } from './cohort.js';
import { register as registerExportOnnx } from './export-onnx.js';
import { register as registerImport } from './import.js';
import { register as registerInspect } from './inspect.js';
import { register as registerMeasure } from './measure.js';
import { register as registerQrs } from './qrs.js';
import { register as registerRecalibrate } from './recalibrate.js';
import { register as registerSynth } from './synth.js';
import { register as registerTrain } from './train.js';
import { register as registerEval } from './eval.js';
import { register as registerEnroll } from './enroll.js';
import { register as registerPredict } from './predict.js';
import { register as registerDemo } from './demo.js';
import { register as registerAblate } from './ablate.js';
import { register as registerEvalReal } from './eval-real.js';
import { register as registerEvalLodo } from './eval-lodo.js';
import { register as registerServe } from './serve.js';
import { register as registerIndexArchive } from './index-archive.js';
import { register as registerSearch } from './search.js';
import { register as registerWorker } from './worker.js';

/**
 * Every subcommand registers itself here: one module per command under `src/cli/commands/`,
 * each exporting `register(program)`. Add one import and one line per command.
 */
const registrars: Array<(program: Command) => void> = [
  registerTrain,
  registerEval,
  registerEvalReal,
  registerEvalLodo,
  registerEnroll,
  registerPredict,
  registerDemo,
  registerAblate,
  registerBench,
  registerCohort,
  registerExportOnnx,
  registerImport,
  registerInspect,
  registerMeasure,
  registerQrs,
  registerRecalibrate,
  registerSynth,
  registerServe,
  registerIndexArchive,
  registerSearch,
  registerWorker,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
