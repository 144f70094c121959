import type { Command } from 'commander';
import { register as registerBench } from './bench.js';
import { register as registerCohort } from './cohort.js';
import { register as registerInspect } from './inspect.js';
import { register as registerQrs } from './qrs.js';

/**
 * Every subcommand registers itself here: one module per command under `src/cli/commands/`,
 * each exporting `register(program)`. Add one import and one line per command.
 */
const registrars: Array<(program: Command) => void> = [
  registerBench,
  registerCohort,
  registerInspect,
  registerQrs,
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
