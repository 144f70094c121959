import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realPath } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

interface Expected {
  records: Array<{
    path: string;
    sig_len: number;
    channels: Array<{ digital_sum: number; physical_first20: number[] }>;
  }>;
  annotations: Array<{ file: string; count: number; first20: Array<[number, string]>; first20_aux_note: string[] }>;
}
const expected = JSON.parse(readFileSync(realPath('expected.json') as string, 'utf8')) as Expected;
const recordPath = (rel: string): string => (realPath(`${rel}.hea`) as string).replace(/\.hea$/, '');

describe('fewbeat inspect', () => {
  it('prints record 100 as JSON with the digital sums, samples and annotations wfdb-python reads', async () => {
    const want = expected.records.find((r) => r.path === 'wfdb-python-sample/100');
    const ann = expected.annotations.find((a) => a.file === 'wfdb-python-sample/100.atr');
    const { code, stdout } = await run([
      'inspect',
      recordPath('wfdb-python-sample/100'),
      '--from',
      '0',
      '--to',
      '20',
      '--annotations',
      'atr',
      '--json',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as Record<string, unknown> & {
      signals: Array<Record<string, unknown>>;
      samples: { from: number; to: number; physical: number[][] };
      annotations: {
        extension: string;
        count: number;
        items: Array<{ sample: number; symbol: string; aux_note: string }>;
      };
    };
    expect(r).toMatchObject({ record: '100', fs: 360, n_sig: 2, sig_len: 650000 });
    expect(r.signals[0]).toEqual({
      name: 'MLII',
      units: 'mV',
      fmt: '212',
      adc_gain: 200,
      baseline: 1024,
      samples_per_frame: 1,
    });
    expect(r.comments).toEqual(['unnecessary comment', '69 M 1085 1629 x1', 'Aldomet, Inderal']);
    expect(r.digital_sum).toEqual(want?.channels.map((c) => c.digital_sum));
    expect(r.samples.from).toBe(0);
    expect(r.samples.to).toBe(20);
    r.samples.physical.forEach((p, k) =>
      p.forEach((v, i) => expect(Math.abs(v - (want?.channels[k]?.physical_first20[i] ?? NaN))).toBeLessThan(1e-6)),
    );
    expect(r.annotations.count).toBe(ann?.count);
    expect(r.annotations.items.slice(0, 20).map((a) => [a.sample, a.symbol])).toEqual(ann?.first20);
    expect(r.annotations.items[0]).toEqual({ sample: 18, symbol: '+', aux_note: '(N' });
  });

  it('leaves samples and annotations out unless asked for', async () => {
    const { code, stdout } = await run(['inspect', recordPath('mitdb/200'), '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(r)).toEqual(['record', 'fs', 'n_sig', 'sig_len', 'signals', 'comments', 'digital_sum']);
    expect(r.digital_sum).toEqual([651899430, 673815619]);
  });

  it('prints a readable summary of record 200 by default', async () => {
    const { code, stdout } = await run(['inspect', recordPath('mitdb/200'), '--annotations', 'atr']);
    expect(code).toBe(0);
    expect(stdout).toContain('record 200: 2 signals, 360 Hz, 650000 frames (30:05.556)');
    expect(stdout).toMatch(/0\s+MLII\s+mV\s+212\s+200\s+1024\s+1\s+651899430/);
    expect(stdout).toContain('annotations .atr: 2792 at 360 Hz (N 1743, V 826, + 148, ~ 43, A 30, F 2)');
  });

  it("gives multi-frequency samples at each channel's own rate", async () => {
    const { stdout } = await run([
      'inspect',
      recordPath('wfdb-python-sample/03700181'),
      '--from',
      '0',
      '--to',
      '5',
      '--json',
    ]);
    const r = JSON.parse(stdout) as { samples: { physical: number[][] } };
    expect(r.samples.physical.map((p) => p.length)).toEqual([20, 5, 5]);
  });

  it('exits 1 with one line naming the file for a missing record, and 2 for a bad option', async () => {
    const missing = await run(['inspect', '/nonexistent/rec']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'error: /nonexistent/rec: record not found (looked for the path ' +
        'itself, .hea, .edf, .bdf, .csv, .dcm, .scp and .xml)\n',
    );
    const bad = await run(['inspect', recordPath('mitdb/200'), '--from', '-3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/option --from/);
    const outside = await run(['inspect', recordPath('mitdb/200'), '--to', '999999999']);
    expect(outside.code).toBe(2);
  });
});
