import type { Command } from 'commander';

/**
 * Every subcommand registers itself here: one module per command under `src/cli/commands/`,
 * each exporting `register(program)`. Add one import and one line per command.
 */
const registrars: Array<(program: Command) => void> = [
];

export function registerCommands(program: Command): void {
  for (const register of registrars) register(program);
}
