/**
 * The one error type fewbeat raises for bad input or a failed run.
 *
 * Its message is one line a user can act on: *where* (file, and a location inside it such as
 * `line 3`, `byte 1024`, `column age_years`) and *why*. The CLI prints `error: <message>` and
 * exits with code 1; any other exception is a bug and prints as `internal error`.
 *
 * @example
 *   throw new FewbeatError('header line 3: signal 2 has format 999, supported: 8, 16, 212', { file: 'E00015.hea' });
 *   // -> "E00015.hea: header line 3: signal 2 has format 999, supported: 8, 16, 212"
 */
/**
 * `s` on one line: line breaks and other control characters (which a hostile file can put into a
 * field the message quotes) are written as `\n`, `\r` or `\uXXXX`.
 */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export class FewbeatError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** Where in the file (`line 3`, `byte 1024`, `row 7, column sex`), when known. */
  readonly location: string | undefined;
  /** The reason alone, without file and location. */
  readonly reason: string;

  constructor(
    reason: string,
    where: { file?: string | undefined; location?: string | undefined; cause?: unknown } = {},
  ) {
    const prefix = [where.file, where.location]
      .filter((s): s is string => !!s)
      .map(oneLine)
      .join(': ');
    const line = oneLine(reason);
    super(prefix ? `${prefix}: ${line}` : line, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'FewbeatError';
    this.file = where.file;
    this.location = where.location;
    this.reason = line;
  }
}

/** An error in how a command was called (unknown flag, bad value): the CLI exits with code 2. */
export class UsageError extends FewbeatError {
  constructor(reason: string) {
    super(reason);
    this.name = 'UsageError';
  }
}

/** True for errors fewbeat raised on purpose (as opposed to bugs). */
export function isFewbeatError(e: unknown): e is FewbeatError {
  return e instanceof FewbeatError;
}
