import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCohort } from '../data/prepare-cohort.js';
import { DEFAULT_PREPROCESS } from '../data/preprocess.js';
import { isFewbeatError } from '../errors.js';
import { readCohort } from '../io/manifest/index.js';
import { loadModel } from '../models/checkpoint.js';
import { runCli } from '../test-utils/run-cli.js';
import { tinyModel } from '../test-utils/tiny-model.js';

/**
 * Faults of the file system, end to end: a full disk and a read-only output folder (real tmpfs
 * mounts, where this process may mount them: root on Linux; src/util/atomic-write-faults.test.ts
 * injects the same errors everywhere), and an input record deleted after its manifest was read.
 * Each ends in one line naming the file, and leaves no half-written file behind.
 */
const root = mkdtempSync(join(tmpdir(), 'fewbeat-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tryMount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const unmount = (dir: string): void => {
  execFileSync('umount', [dir], { stdio: 'ignore' });
};

/** Every file under `dir`, relative. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));

const canMount = process.platform === 'linux' && tryMount(join(root, 'probe'), 'size=64k');
if (canMount) unmount(join(root, 'probe'));

const SYNTH = ['--patients', '20', '--fs', '250', '--duration', '10', '--classes', 'nsr,svt'];

describe.skipIf(!canMount)('fewbeat on a full or read-only file system (tmpfs)', () => {
  const full = join(root, 'full');
  const readOnly = join(root, 'ro');
  beforeAll(() => {
    expect(tryMount(full, 'size=128k')).toBe(true);
    expect(tryMount(readOnly, 'ro,size=64k')).toBe(true);
  });
  afterAll(() => {
    unmount(full);
    unmount(readOnly);
  });

  it('a full disk stops synth with one line naming the file, and every file left is whole', async () => {
    const { code, stderr } = await runCli(['synth', '--out', join(full, 'cohort'), ...SYNTH]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      // eslint-disable-next-line max-len -- a regex literal cannot be split
      /^error: .*full\/cohort\/.+: cannot write: no space left on the device \(ENOSPC\); the file was left as it was\n$/,
    );
    const left = filesUnder(full);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // the manifest, written last, never claims a record that is not there
    expect(left).not.toContain('cohort/manifest.csv');
  });

  it('a read-only output folder stops synth with one line, writing nothing', async () => {
    const { code, stderr } = await runCli(['synth', '--out', join(readOnly, 'cohort'), ...SYNTH]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      // eslint-disable-next-line max-len -- a regex literal cannot be split
      /^error: .*ro\/cohort.*: cannot write: (the file system is read-only \(EROFS\)|its folder does not exist and cannot be created \(read-only file system\?\) \(ENOENT\)); the file was left as it was\n$/,
    );
    expect(filesUnder(readOnly)).toEqual([]);
  });
});

/** Fill the file system `dir` is on, so that the next write fails with ENOSPC. */
function fill(dir: string): void {
  const chunk = Buffer.alloc(4096, 0x61);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch {
      return;
    }
  }
}

describe.skipIf(!canMount)('train, enroll and recalibrate on a full or read-only file system (tmpfs)', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  const full = join(root, 'full-model');
  const readOnly = join(root, 'ro-model');
  const fullBank = join(root, 'full-bank');
  const fullTrain = join(root, 'full-train');
  beforeAll(async () => {
    tiny = await tinyModel();
    // The model folder on a disk with room for the model and nothing more.
    expect(tryMount(full, 'size=1m')).toBe(true);
    cpSync(tiny.modelDir, join(full, 'model'), { recursive: true, filter: (f) => !f.includes('checkpoint') });
    fill(full);
    expect(tryMount(readOnly, 'ro,size=64k')).toBe(true);
    expect(tryMount(fullBank, 'size=64k')).toBe(true);
    fill(fullBank);
    expect(tryMount(fullTrain, 'size=64k')).toBe(true);
    fill(fullTrain);
  }, 600_000);
  afterAll(() => {
    for (const dir of [full, readOnly, fullBank, fullTrain]) unmount(dir);
    tiny.cleanup();
  });

  const enroll = (out: string) =>
    runCli(['enroll', '--model', tiny.modelDir, '--manifest', tiny.cohortDir, '--shots', '2', '--out', out]);

  it('a full disk stops enroll with one line naming the bank, leaving no bank and no temporary file', async () => {
    const before = filesUnder(fullBank);
    const { code, stderr } = await enroll(join(fullBank, 'bank.json'));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: .*full-bank\/bank\.json: cannot write: no space left on the device \(ENOSPC\)/);
    expect(filesUnder(fullBank)).toEqual(before);
  });

  it('a read-only output folder stops enroll with one line, writing nothing', async () => {
    const { code, stderr } = await enroll(join(readOnly, 'bank.json'));
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: .*ro-model\/bank\.json: cannot write: the file system is read-only \(EROFS\)/);
    expect(filesUnder(readOnly)).toEqual([]);
  });

  it('a full disk stops train at its first checkpoint with one line, leaving no model and no stray file', async () => {
    const before = filesUnder(fullTrain);
    const { code, stderr } = await runCli([
      ...['train', '--manifest', tiny.cohortDir, '--out', join(fullTrain, 'model'), '--preset', 'tiny'],
      ...['--episodes', '4', '--ways', '3', '--shots', '2', '--queries', '2', '--novel', 'jet,vt'],
      ...['--validate-every', '2', '--workers', '0', '--seed', '1'],
    ]);
    expect(code).toBe(1);
    expect(lastLineTheOnlyError(stderr)).toMatch(
      /^error: .*full-train\/model\/.+: cannot write: no space left on the device \(ENOSPC\)/,
    );
    expect(filesUnder(fullTrain)).toEqual(before);
  });

  it('a full disk stops recalibrate with one line, and the model folder still loads the model it held', async () => {
    const dir = join(full, 'model');
    const config = readFileSync(join(dir, 'config.json'));
    const files = filesUnder(dir);
    const { code, stderr } = await runCli(['recalibrate', '--model', dir, '--manifest', tiny.cohortDir]);
    expect(code).toBe(1);
    expect(lastLineTheOnlyError(stderr)).toMatch(
      /^error: .*full-model\/model\/.+: cannot write: no space left on the device \(ENOSPC\)/,
    );
    expect(filesUnder(dir)).toEqual(files);
    expect(readFileSync(join(dir, 'config.json'))).toEqual(config);
    loadModel(dir).model.dispose();
  });
});

/**
 * The one error line of `stderr`, which must also be its last line (progress lines such as
 * 'preprocessing 69/69 recordings' may come before it).
 */
function lastLineTheOnlyError(stderr: string): string | undefined {
  const lines = stderr.trim().split('\n');
  const errors = lines.filter((l) => l.includes('error'));
  expect(errors, stderr).toHaveLength(1);
  expect(lines.at(-1)).toBe(errors[0]);
  return errors[0];
}

describe('an input deleted while a run uses it', () => {
  it('stops loading with one line naming the missing file', async () => {
    const cohort = join(root, 'cohort');
    const made = await runCli(['synth', '--out', cohort, ...SYNTH]);
    expect(made.code).toBe(0);
    const read = readCohort(cohort);
    const victim = read.rows[3]?.recordPath as string;
    rmSync(`${victim}.dat`);
    let message = '';
    try {
      prepareCohort(read, DEFAULT_PREPROCESS, { novel: [], seed: 1, minBase: 1 });
    } catch (e) {
      expect(isFewbeatError(e)).toBe(true);
      message = (e as Error).message;
    }
    expect(message).toBe(`${victim}.dat: cannot open signal file: ENOENT`);
    expect(existsSync(`${victim}.hea`)).toBe(true);
  });
});
