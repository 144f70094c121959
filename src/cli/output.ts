import { UsageError } from '../errors.js';

/**
 * How commands print results: human-readable text by default, one JSON document with `--json`.
 * Commands build one result object and hand it here, so that the two forms never disagree.
 */
export function emit<T>(result: T, opts: { json?: boolean | undefined }, human: (r: T) => string): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(result, jsonReplacer)}\n`);
  else process.stdout.write(`${human(result).replace(/\n?$/, '\n')}`);
}

/** JSON replacer: NaN and ±Infinity become null (JSON has no such numbers); typed arrays become arrays. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

/** Parse a CLI number option, or throw a UsageError naming the option. */
export function parseNumberOption(
  name: string,
  raw: string,
  opts: { integer?: boolean; min?: number; max?: number } = {},
): number {
  const v = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    (opts.integer && !Number.isInteger(v)) ||
    (opts.min !== undefined && v < opts.min) ||
    (opts.max !== undefined && v > opts.max);
  if (bad) {
    const what = opts.integer ? 'an integer' : 'a number';
    const range =
      opts.min !== undefined || opts.max !== undefined ? ` in [${opts.min ?? '-inf'}, ${opts.max ?? 'inf'}]` : '';
    throw new UsageError(`option ${name}: expected ${what}${range}, got '${raw}'`);
  }
  return v;
}
