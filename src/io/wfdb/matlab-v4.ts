import { closeSync, openSync, readSync } from 'node:fs';
import { FewbeatError } from '../../errors.js';
import type { SignalFile } from './signal-file.js';

/**
 * MATLAB version 4 `.mat` files as used by the PhysioNet/CinC Challenges 2015–2021: one matrix
 * `val` (nSig × sigLen, int16), stored column-major, i.e. frame by frame. WFDB reads such a file
 * as format 16 with a byte offset (`16+24`): the offset skips the MAT v4 matrix header
 *
 *     int32 type (MOPT: M = 0 little-endian, P = 3 int16), int32 mrows, int32 ncols,
 *     int32 imagf, int32 namlen, then namlen bytes of name (with its NUL).
 *
 * The WFDB header alone decides how samples are read; this check only turns a `.mat` that disagrees
 * with its header (another matrix shape, precision or name length) into a clear error.
 */
export interface MatV4MatrixHeader {
  /** 0 for little-endian files (the only byte order fewbeat reads). */
  machine: number;
  /** MAT v4 precision code: 0 double, 1 single, 2 int32, 3 int16, 4 uint16, 5 uint8. */
  precision: number;
  rows: number;
  cols: number;
  imaginary: boolean;
  name: string;
  /** Bytes before the first matrix element (20 + namlen). */
  dataOffset: number;
}

/** WFDB format code that reads a MAT v4 precision as stored. */
const FORMAT_OF_PRECISION: Record<number, string> = { 2: '32', 3: '16' };

/** Parse the 20-byte MAT v4 matrix header plus its name at the start of `bytes`. */
export function parseMatV4Header(bytes: Uint8Array, file: string): MatV4MatrixHeader {
  if (bytes.length < 20)
    throw new FewbeatError(`MAT v4 header needs 20 bytes, the file has ${bytes.length}`, { file, location: 'byte 0' });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getInt32(0, true);
  const [rows, cols, imagf, namlen] = [4, 8, 12, 16].map((o) => view.getInt32(o, true)) as [
    number,
    number,
    number,
    number,
  ];
  const machine = Math.floor(type / 1000);
  if (type < 0 || type > 4052 || machine !== 0) {
    throw new FewbeatError(`MAT v4 type ${type} is not a little-endian numeric matrix`, { file, location: 'byte 0' });
  }
  if (rows < 0 || cols < 0 || namlen < 1 || namlen > 64 || (imagf !== 0 && imagf !== 1)) {
    throw new FewbeatError(`MAT v4 header is corrupt (rows ${rows}, cols ${cols}, imagf ${imagf}, namlen ${namlen})`, {
      file,
      location: 'byte 4',
    });
  }
  if (bytes.length < 20 + namlen)
    throw new FewbeatError('MAT v4 matrix name is cut off', { file, location: 'byte 20' });
  const name = Buffer.from(bytes.subarray(20, 20 + namlen))
    .toString('latin1')
    .replace(/\0+$/, '');
  return {
    machine,
    precision: Math.floor(type / 10) % 10,
    rows,
    cols,
    imaginary: imagf === 1,
    name,
    dataOffset: 20 + namlen,
  };
}

/** Check that a `.mat` signal file holds the matrix its WFDB header describes. */
export function checkMatV4Container(file: SignalFile, sigLen: number): void {
  const head = Buffer.alloc(84);
  let fd: number;
  try {
    fd = openSync(file.path, 'r');
  } catch (e) {
    throw new FewbeatError(`cannot open signal file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: file.path,
      cause: e,
    });
  }
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const mat = parseMatV4Header(head.subarray(0, n), file.path);
  const where = { file: file.path, location: 'byte 0' };
  const expectedFormat = FORMAT_OF_PRECISION[mat.precision];
  if (expectedFormat !== file.format.code) {
    throw new FewbeatError(
      `MAT v4 precision code ${mat.precision} does not match WFDB format ${file.format.code}`,
      where,
    );
  }
  if (mat.dataOffset !== file.byteOffset) {
    throw new FewbeatError(
      `matrix data starts at byte ${mat.dataOffset} but the header's byte offset is ${file.byteOffset}`,
      where,
    );
  }
  if (mat.rows !== file.frameSize || mat.cols < sigLen) {
    throw new FewbeatError(
      `matrix '${mat.name}' is ${mat.rows} x ${mat.cols}, the header needs ${file.frameSize} x ${sigLen}`,
      where,
    );
  }
}
