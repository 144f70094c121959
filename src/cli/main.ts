import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { isFewbeatError, UsageError } from '../errors.js';
import { registerCommands } from './commands/index.js';

/** Exit codes of the `fewbeat` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Build the command tree; each command lives in `src/cli/commands/<name>.ts`. */
export function buildProgram(): Command {
  const program = new Command('fewbeat')
    .description('Few-shot, multimodal recognition of pediatric arrhythmias (ECG + clinical context)')
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  for (const sub of program.commands) sub.exitOverride();
  return program;
}

/**
 * Run the CLI on `argv` (without `node` and the script name) and return the exit code:
 * 0 success, 1 an error in the data or the run (one line: file, location, reason), 2 a usage error.
 */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT.usage;
    }
    if (isFewbeatError(e)) {
      process.stderr.write(`error: ${e.message}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return EXIT.failure;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `internal error: ${message.split('\n')[0]}${debug ? '' : ' (run with --debug for the stack trace)'}\n`,
    );
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return EXIT.failure;
  }
}
