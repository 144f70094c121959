import { readFileSync } from 'node:fs';
import { FewbeatError } from '../../errors.js';
import { packageFile } from '../../util/package-file.js';
import { type NormTable, parseNormTable } from './norm-table.js';

/** Read and validate a norm table JSON file (the CLI's `--norms FILE`). */
export function readNormTable(path: string): NormTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FewbeatError(`cannot read norm table: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: path,
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FewbeatError(`norm table is not valid JSON: ${(e as Error).message}`, { file: path });
  }
  return parseNormTable(json, path);
}

/** The package's default table, Rijnbeek et al. 2001 (`data/norms/rijnbeek2001.json`). */
export function defaultNormTable(): NormTable {
  return readNormTable(packageFile('data/norms/rijnbeek2001.json', import.meta.url));
}
