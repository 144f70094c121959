import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedReal, realPath, SHARED_REAL } from '../../test-utils/real-data.js';
import { evaluateQrs } from './qrs.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const record100 = realPath('wfdb-python-sample/100.hea')!.replace(/\.hea$/, '');
const record200Dir = join(realPath('mitdb/200.hea')!, '..');

describe('fewbeat qrs', () => {
  it('prints fs, channel, R peaks and median heart rate of MIT-BIH 100 as JSON', async () => {
    const { code, stdout } = await run(['qrs', `${record100}.hea`, '--channel', 'MLII', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { fs: number; channel: string; samples: number[]; hr_bpm: number };
    expect(r.fs).toBe(360);
    expect(r.channel).toBe('MLII');
    // 2273 annotated beats in 30:05 min; the cardiologists' median RR gives about 75 bpm
    expect(Math.abs(r.samples.length - 2273)).toBeLessThanOrEqual(5);
    expect(r.hr_bpm).toBeGreaterThan(73);
    expect(r.hr_bpm).toBeLessThan(77);
  });
  it('uses all ECG leads when no channel is given', async () => {
    const { stdout } = await run(['qrs', record100, '--json']);
    expect((JSON.parse(stdout) as { channel: string }).channel).toBe('MLII+V5');
  });
  it('refuses an unknown channel with a usage error naming the channels', async () => {
    const { code, stderr } = await run(['qrs', record100, '--channel', 'V9']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no channel named 'V9' \(channels: MLII, V5\)/);
  });
  it('scores MIT-BIH 200 from the repository beat by beat (EC57) at Se and +P of at least 99 %', () => {
    const { records, gross } = evaluateQrs(record200Dir);
    expect(records.map((r) => r.record)).toEqual(['200']);
    expect(gross.tp + gross.fn).toBe(2601);
    expect(gross.se).toBeGreaterThan(99);
    expect(gross.ppv).toBeGreaterThan(96.5);
  });
});

describe.skipIf(!hasSharedReal || !existsSync(join(SHARED_REAL, 'mitdb')))(
  'EC57 on every shared MIT-BIH record',
  () => {
    it(
      'reaches gross sensitivity and positive predictivity of at least ' + '99.5 % (Pan & Tompkins: 99.76 / 99.56)',
      async () => {
        const { code, stdout } = await run(['qrs', '--evaluate', join(SHARED_REAL, 'mitdb'), '--json']);
        expect(code).toBe(0);
        const { records, gross } = JSON.parse(stdout) as ReturnType<typeof evaluateQrs>;
        expect(records).toHaveLength(29);
        expect(gross.se).toBeGreaterThanOrEqual(99.5);
        expect(gross.ppv).toBeGreaterThanOrEqual(99.5);
      },
    );
  },
);
