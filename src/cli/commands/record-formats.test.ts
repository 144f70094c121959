import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CLINICAL } from '../../test-utils/clinical-formats.js';
import { REPO_ROOT } from '../../test-utils/real-data.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const EDF = join(REPO_ROOT, 'test/fixtures/edf/ecg-3lead-edfplus.edf');
const CSV = join(REPO_ROOT, 'test/fixtures/csv/three-leads-200hz.csv');
const DICOM = join(FIXTURE_CLINICAL, 'dicom/waveform_ecg.dcm');
const SCP = join(FIXTURE_CLINICAL, 'scp-ecg/welchallyn-ECG_20060620_112352_ANON000002.SCP');
const tmp = mkdtempSync(join(tmpdir(), 'fewbeat-record-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('commands that take a record read every format', () => {
  it('measures and detects beats in an EDF file named with its extension', async () => {
    const r = await run(['measure', EDF, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('hr_bpm');
    const q = await run(['qrs', EDF, '--json']);
    expect(q.code).toBe(0);
    expect(JSON.parse(q.stdout)).toMatchObject({ fs: 250, channel: 'I+II+V1' });
  });

  it('inspects a CSV waveform', async () => {
    const r = await run(['inspect', CSV, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { format: string; fs: number; signals: Array<{ name: string; units: string }> };
    expect(j).toMatchObject({ format: 'csv', fs: 200, n_sig: 3, sig_len: 20 });
    expect(j.signals.map((s) => [s.name, s.units])).toEqual([
      ['I', 'mV'],
      ['II', 'mV'],
      ['V1', 'uV'],
    ]);
    const samples = JSON.parse((await run(['inspect', CSV, '--from', '1', '--to', '3', '--json'])).stdout) as {
      samples: { physical: number[][] };
    };
    // rows 2 and 3 of the file: 0.005,0.01,-0.02,10 and the next
    expect(samples.samples.physical[0]![0]).toBe(0.01);
    expect(samples.samples.physical[2]![0]).toBe(10);
    const annotations = await run(['inspect', CSV, '--annotations', 'atr']);
    expect(annotations.code).toBe(2);
    expect(annotations.stderr).toMatch(/--annotations reads WFDB annotation files; .* is csv/);
  });

  it("inspects a DICOM file with the patient, the device's statements and the median-beat group", async () => {
    const r = await run(['inspect', DICOM, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { meta: Record<string, unknown> };
    expect(j).toMatchObject({ format: 'dicom', fs: 1000, n_sig: 12, sig_len: 10000 });
    expect(j.meta).toMatchObject({
      age_years: 42,
      sex: 'F',
      statements: ['RITMO SINUSALE', 'ECG NORMALE'],
      groups: [{ name: 'median beat', fs: 1000, samples: 1200 }],
    });
    const human = await run(['inspect', DICOM]);
    expect(human.stdout).toMatch(/^record waveform_ecg\.dcm \(dicom\): 12 signals, 1000 Hz, 10000 frames/);
    expect(human.stdout).toContain('patient: age 42 years, sex F');
    expect(human.stdout).toContain('group median beat: 12 signals, 1000 Hz, 1200 frames');
  });

  it("measures a DICOM file with the file's age and sex unless they are given", async () => {
    const fromFile = JSON.parse((await run(['measure', DICOM, '--json'])).stdout) as Record<string, unknown>;
    expect(fromFile).toMatchObject({ age_years: 42, sex: 'F' });
    const given = JSON.parse((await run(['measure', DICOM, '--age-years', '8', '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(given).toMatchObject({ age_years: 8, sex: 'F' });
  });

  it("finds the device's heart rate in an SCP-ECG file, found by content whatever its name", async () => {
    const renamed = join(tmp, 'export-without-extension');
    copyFileSync(SCP, renamed);
    for (const path of [SCP, renamed]) {
      const r = await run(['qrs', path, '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { hr_bpm: number; channel: string };
      expect(j.channel).toBe('I+II+V3R+V1+V2+V4+V6+V7');
      expect(Math.abs(j.hr_bpm - 82)).toBeLessThan(3); // the device's own VentricularRate: 82/min
    }
  });

  it('names the file and the reason in one line for a file of no known format', async () => {
    const junk = join(tmp, 'notes.txt');
    copyFileSync(join(REPO_ROOT, 'package.json'), junk);
    const r = await run(['inspect', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${junk}: not a recognised ECG file (WFDB header, EDF/BDF, CSV, DICOM waveform, SCP-ECG or XML)\n`,
    );
  });
});
