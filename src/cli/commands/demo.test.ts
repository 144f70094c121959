import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CLINICAL } from '../../test-utils/clinical-formats.js';
import { runCli as cli } from '../../test-utils/run-cli.js';

/** Run the CLI in-process and capture what it prints. */

describe('fewbeat demo --quick, then enroll and predict (end to end, ~1 minute)', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('synthesises a cohort, trains, evaluates 1- and 5-shot with baselines and writes model and report', async () => {
    const r = await cli(['demo', '--quick', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('novel 5-way 5-shot');
    expect(r.stdout).toContain('ecg-only-protonet');
    expect(r.stdout).toContain('supervised-finetune');
    expect(existsSync(join(dir, 'model', 'config.json'))).toBe(true);
    expect(readFileSync(join(dir, 'report', 'report.html'), 'utf8')).not.toContain('Project targets');
    const metrics = JSON.parse(readFileSync(join(dir, 'report', 'metrics.json'), 'utf8')) as {
      settings: Array<{ split: string; shots: number }>;
      baselines: Array<{ name: string }>;
    };
    expect(metrics.settings.filter((s) => s.split === 'novel').map((s) => s.shots)).toEqual([1, 5]);
    expect(new Set(metrics.baselines.map((b) => b.name))).toEqual(
      new Set(['ecg-only-protonet', 'supervised-finetune', 'clinical-only']),
    );
  });

  it('adds the project targets to the report with --targets (reusing the cohort and models)', async () => {
    const r = await cli(['demo', '--quick', '--reuse', '--targets', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('full model: reusing');
    const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    expect(html).toContain('Project targets (novel classes, 5-way 5-shot)');
    expect(html).toMatch(/Balanced accuracy ≥ 0\.85<\/td><td>\d\.\d{3}<\/td>/);
  });

  it(
    'enrolls a 3-shot bank of the novel classes and predicts a recording ' + 'with probabilities and nearest examples',
    async () => {
      const bank = join(dir, 'bank.json');
      const enroll = await cli([
        'enroll',
        '--model',
        join(dir, 'model'),
        '--manifest',
        join(dir, 'cohort'),
        '--shots',
        '3',
        '--out',
        bank,
      ]);
      expect(enroll.code, enroll.stderr).toBe(0);
      // The bank carries the model's probability temperature for its support size (3 shots is as near 1 as 5: the
      // smaller wins, as for abstention).
      const config = JSON.parse(readFileSync(join(dir, 'model', 'config.json'), 'utf8')) as {
        probabilityTemperatures: Record<string, number>;
      };
      const head = (
        JSON.parse(readFileSync(bank, 'utf8')) as { head: { probabilityTemperatures: Record<string, number> } }
      ).head;
      expect(head.probabilityTemperatures).toEqual({ 1: config.probabilityTemperatures['1'] });
      const manifest = readFileSync(join(dir, 'cohort', 'manifest.csv'), 'utf8').split('\n');
      const jetRow = manifest.find((l) => l.split(',')[2] === 'jet') as string;
      const record = join(dir, 'cohort', jetRow.split(',')[0] as string);
      const p = await cli(['predict', '--model', join(dir, 'model'), '--bank', bank, '--record', record, '--json']);
      expect(p.code, p.stderr).toBe(0);
      const out = JSON.parse(p.stdout) as {
        probabilities: Record<string, number>;
        nearestExamples: unknown[];
        predicted: string;
        quality: { usable: boolean };
        atrialActivity: {
          ventricularRatePerMin: number;
          unlockedRatePerMin: number | null;
          unlockedToVentricular: number | null;
        };
      };
      expect(Object.keys(out.probabilities).sort()).toEqual(['aflutter', 'avb2_mobitz2', 'brugada', 'jet', 'vt']);
      expect(Object.values(out.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(out.nearestExamples).toHaveLength(3);
      expect(out.quality.usable).toBe(true);
      // The atrial evidence: a JET recording's ventricles beat at
      // 150–260/min; the unlocked rate is the ratio times that rate.
      expect(out.atrialActivity.ventricularRatePerMin).toBeGreaterThan(140);
      expect(out.atrialActivity.unlockedRatePerMin).toBeCloseTo(
        (out.atrialActivity.unlockedToVentricular as number) * out.atrialActivity.ventricularRatePerMin,
        6,
      );
      const text = await cli(['predict', '--model', join(dir, 'model'), '--bank', bank, '--record', record]);
      expect(text.stdout).toMatch(
        /atrial activity \(II, V1\): \d+\/min, [\d.]+ × the ventricular \d+\/min; not locked to the QRS: \d+\/min/,
      );
      // The bank records the context gate's decision on its examples;
      // the child's context joins only when given and the gate is open.
      const saved = JSON.parse(readFileSync(bank, 'utf8')) as {
        contextDecision: { used: boolean } | null;
        examples: Array<{ clinical?: number[] }>;
      };
      expect(typeof saved.contextDecision?.used).toBe('boolean');
      for (const e of saved.examples) expect(e.clinical?.length).toBeGreaterThan(0);
      const child = join(dir, 'child.json');
      writeFileSync(child, JSON.stringify({ age_years: 0.3, sex: 'M' }));
      const withContext = JSON.parse(
        (
          await cli([
            'predict',
            '--model',
            join(dir, 'model'),
            '--bank',
            bank,
            '--record',
            record,
            '--clinical',
            child,
            '--json',
          ])
        ).stdout,
      ) as { contextUsed: boolean };
      expect(withContext.contextUsed).toBe(saved.contextDecision?.used);
      expect((JSON.parse(p.stdout) as { contextUsed: boolean }).contextUsed).toBe(false);
      expect(text.stdout).toMatch(/clinical context: (used|not used|the bank would use it)/);
    },
  );

  it('predicts a DICOM export, its age and sex joining the context unless --clinical gives them', async () => {
    const bank = join(dir, 'bank.json');
    const dicom = join(FIXTURE_CLINICAL, 'dicom/waveform_ecg.dcm');
    const args = ['predict', '--model', join(dir, 'model'), '--bank', bank, '--record', dicom, '--json'];
    const p = await cli(args);
    expect(p.code, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as { contextFromFile: string[]; contextUsed: boolean };
    expect(out.contextFromFile).toEqual(['age_years', 'sex']);
    const saved = JSON.parse(readFileSync(bank, 'utf8')) as { contextDecision: { used: boolean } | null };
    expect(out.contextUsed).toBe(saved.contextDecision?.used ?? false);
    const child = join(dir, 'age-only.json');
    writeFileSync(child, JSON.stringify({ age_years: 3 }));
    const given = JSON.parse((await cli([...args, '--clinical', child])).stdout) as { contextFromFile: string[] };
    expect(given.contextFromFile).toEqual(['sex']);
  });

  it('names the file when a bank is not a bank', async () => {
    const r = await cli([
      'predict',
      '--model',
      join(dir, 'model'),
      '--bank',
      join(dir, 'model', 'config.json'),
      '--record',
      'x',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('config.json: not a fewbeat prototype bank');
  });
});
