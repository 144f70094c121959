import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isFewbeatError } from '../../errors.js';
import { realPath } from '../../test-utils/real-data.js';
import { Rng } from '../../util/rng.js';
import { readAnnotations } from './annotations.js';
import { readRecord, readRecordAsync } from './record.js';

/**
 * Fuzz: random byte mutations of real headers, data files and annotation files must each end in
 * a value or a FewbeatError — never another exception, never a hang (a read taking over 5 s
 * counts as a failure; a read normally takes under 5 ms).
 */
const dir = mkdtempSync(join(tmpdir(), 'fewbeat-wfdb-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILES = [
  '100_3chan.hea',
  '100_3chan.dat',
  '03700181.hea',
  '03700181.dat',
  '03700181.gqrsh',
  '100.hea',
  '100.atr',
  '100.qrs',
  'binformats.hea',
  ...Array.from({ length: 10 }, (_, i) => `binformats.d${i}`),
  '310derive_3.hea',
  '310derive_3.dat',
  '311derive_3.hea',
  '311derive_3.dat',
  'a103l.hea',
  'a103l.mat',
  'multi-segment/041s/041s.hea',
  'multi-segment/041s/041s01.hea',
  'multi-segment/041s/041s01.dat',
  'multi-segment/041s/041s02.hea',
  'multi-segment/041s/041s02.dat',
];
/** Which reader each mutated file goes through: a record (header or data) or an annotation file. */
const TARGETS: Array<{ file: string; read: () => unknown }> = [];
const original = new Map<string, Buffer>();
/**
 * Long data files are cut after the frames their range read needs (the reader reads only those
 * bytes), which keeps each mutate-and-write step small.
 */
const KEEP_BYTES: Record<string, number> = { '03700181.dat': 28_000, 'a103l.mat': 13_000 };
for (const f of FILES) {
  const to = join(dir, f);
  mkdirSync(dirname(to), { recursive: true });
  const bytes = readFileSync(realPath(`wfdb-python-sample/${f}`) as string);
  original.set(f, bytes.subarray(0, KEEP_BYTES[f] ?? bytes.length));
  writeFileSync(to, original.get(f) as Buffer);
}
/** Long records are read in a range (the streaming path); short ones whole. */
const RANGES: Record<string, { from: number; to: number }> = {
  '100': { from: 100_000, to: 101_000 },
  '03700181': { from: 1000, to: 3000 },
  a103l: { from: 0, to: 2000 },
};
const rec = (name: string) => (): unknown => readRecord(join(dir, name), RANGES[name] ?? {});
const ann = (name: string, ext: string) => (): unknown => readAnnotations(join(dir, name), ext);
for (const f of FILES) {
  const m = /^(.*?)\.(\w+)$/.exec(f) as RegExpExecArray;
  const [base, ext] = [m[1] as string, m[2] as string];
  if (['atr', 'qrs', 'gqrsh'].includes(ext)) TARGETS.push({ file: f, read: ann(base, ext) });
  else if (base.startsWith('multi-segment/041s/041s0')) TARGETS.push({ file: f, read: rec('multi-segment/041s/041s') });
  else if (base !== '100') TARGETS.push({ file: f, read: rec(base) });
  else TARGETS.push({ file: f, read: rec('100') });
}
copyFileSync(realPath('wfdb-python-sample/100.dat') as string, join(dir, '100.dat'));

/**
 * Replace a file's bytes in place. (Truncating and rewriting, as writeFileSync does, makes ext4
 * flush the file each time — milliseconds per write.)
 */
function overwrite(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
}

/** One random mutation: overwrite, insert or delete bytes, truncate, or splice a chunk elsewhere. */
/** A one-signal FLAC record (format 516, the synthetic ramp of wfdb-python's flacformats.d1) for the FLAC fuzz. */
const FLAC_HEADER = Buffer.from('flac1 1 200 499\nflac1.dat 516 200/mV 16 0 -32766 -750 0 ramp\n');
writeFileSync(join(dir, 'flac1.hea'), FLAC_HEADER);
const FLAC_DATA = readFileSync(realPath('wfdb-python-sample/flacformats.d1') as string);
writeFileSync(join(dir, 'flac1.dat'), FLAC_DATA);

function mutate(bytes: Buffer, rng: Rng): { bytes: Buffer; how: string } {
  const n = bytes.length;
  const at = rng.int(0, Math.max(0, n - 1));
  switch (rng.int(0, 5)) {
    case 0: {
      const out = Buffer.from(bytes);
      const k = rng.int(1, 4);
      for (let j = 0; j < k; j++) out[rng.int(0, n - 1)] = rng.int(0, 255);
      return { bytes: out, how: `overwrite ${k} bytes` };
    }
    case 1: {
      const out = Buffer.from(bytes);
      out[at] = rng.pick([
        0x30 + rng.int(0, 9),
        0x20,
        0x0a,
        0x2d,
        0x2b,
        0x78,
        0x3a,
        0x2f,
        0x28,
        0x7e,
        0x23,
        0x00,
        0xff,
      ]);
      return { bytes: out, how: `set byte ${at} to ${out[at]}` };
    }
    case 2:
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from([rng.int(0, 255)]), bytes.subarray(at)]),
        how: `insert at ${at}`,
      };
    case 3:
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + rng.int(1, 8))]),
        how: `delete at ${at}`,
      };
    case 4:
      return { bytes: bytes.subarray(0, at), how: `truncate to ${at}` };
    default: {
      const len = rng.int(1, 16);
      const from = rng.int(0, Math.max(0, n - len));
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, from + len), bytes.subarray(at)]),
        how: `splice ${len} bytes from ${from} at ${at}`,
      };
    }
  }
}

describe('fuzzing the WFDB readers', () => {
  it(
    'turns 5000 random mutations of real headers, data and annotation ' + 'files into a value or a FewbeatError',
    async () => {
      const rng = new Rng(20260425);
      const failures: string[] = [];
      let errors = 0;
      let dirty: string | null = null; // the one file that differs from its original
      for (let i = 0; i < 5000; i++) {
        const target = rng.pick(TARGETS);
        if (dirty !== null && dirty !== target.file) overwrite(join(dir, dirty), original.get(dirty) as Buffer);
        const { bytes, how } = mutate(original.get(target.file) as Buffer, rng);
        const path = join(dir, target.file);
        overwrite(path, bytes);
        dirty = target.file;
        const t0 = performance.now();
        try {
          await target.read();
        } catch (e) {
          if (isFewbeatError(e)) errors++;
          else failures.push(`${target.file} (${how}): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
        if (performance.now() - t0 > 5000)
          failures.push(`${target.file} (${how}): took ${Math.round(performance.now() - t0)} ms`);
      }
      if (dirty !== null) overwrite(join(dir, dirty), original.get(dirty) as Buffer);
      expect(failures).toEqual([]);
      expect(errors).toBeGreaterThan(500); // the mutations do reach the error paths
    },
  );

  it('turns 300 random mutations of a FLAC record (header and stream) into a value or a FewbeatError', async () => {
    const rng = new Rng(516);
    const failures: string[] = [];
    await expect(readRecordAsync(join(dir, 'flac1'))).resolves.toBeDefined();
    for (let i = 0; i < 300; i++) {
      const [name, bytes] = rng.bernoulli(0.2)
        ? (['flac1.hea', FLAC_HEADER] as const)
        : (['flac1.dat', FLAC_DATA] as const);
      const { bytes: mutated, how } = mutate(bytes, rng);
      overwrite(join(dir, name), mutated);
      try {
        await readRecordAsync(join(dir, 'flac1'));
      } catch (e) {
        if (!isFewbeatError(e))
          failures.push(`${name} (${how}): ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
      overwrite(join(dir, name), bytes);
    }
    expect(failures).toEqual([]);
  });
});
