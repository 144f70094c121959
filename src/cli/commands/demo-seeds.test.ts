import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli as cli } from '../../test-utils/run-cli.js';

interface MeanCi {
  mean: number;
  ci95: [number, number];
}
interface SeedMetricsFile {
  settings: Array<{ split: string; shots: number; episode_accuracy: MeanCi; balanced_accuracy: number }>;
  baselines: Array<{
    name: string;
    split: string;
    shots: number;
    episode_accuracy: MeanCi;
    difference_vs_full: MeanCi;
  }>;
}
interface Across {
  mean: number;
  sd: number;
  min: number;
  max: number;
  ci95: [number, number];
  n: number;
}
interface AcrossSeedsFile {
  seeds: number[];
  settings: Array<{
    split: string;
    shots: number;
    per_seed: Array<{ seed: number; episode_accuracy: MeanCi; balanced_accuracy: number }>;
    across_seeds: { episode_accuracy: Across; balanced_accuracy: Across };
  }>;
  baselines: Array<{
    name: string;
    split: string;
    shots: number;
    per_seed: Array<{ seed: number; difference_vs_full: MeanCi }>;
    pooled_difference_vs_full: Across & { seeds_with_ci_above_zero: number };
  }>;
}

/**
 * Two values pooled by hand: mean, SD with ddof = 1 (for two values |a − b|/√2) and the 95 % t
 * interval with one degree of freedom, t(0.975, 1) = 12.706205 (scipy.stats.t.ppf).
 */
function byHand(a: number, b: number) {
  const mean = (a + b) / 2;
  const sd = Math.abs(a - b) / Math.SQRT2;
  const half = (12.706205 * sd) / Math.SQRT2;
  return { mean, sd, min: Math.min(a, b), max: Math.max(a, b), lo: mean - half, hi: mean + half };
}

function expectPooled(actual: Across, a: number, b: number): void {
  const e = byHand(a, b);
  expect(actual.mean).toBeCloseTo(e.mean, 12);
  expect(actual.sd).toBeCloseTo(e.sd, 12);
  expect([actual.min, actual.max, actual.n]).toEqual([e.min, e.max, 2]);
  expect(actual.ci95[0]).toBeCloseTo(e.lo, 5);
  expect(actual.ci95[1]).toBeCloseTo(e.hi, 5);
}

describe('fewbeat demo --seeds: bad lists get one line', () => {
  it.each([
    ['1,x', "option --seeds: 'x' in '1,x' is not an integer ≥ 0"],
    ['1,-2', "option --seeds: '-2' in '1,-2' is not an integer ≥ 0"],
    ['1.5,2', "option --seeds: '1.5' in '1.5,2' is not an integer ≥ 0"],
    ['1,,2', "option --seeds: '' in '1,,2' is not an integer ≥ 0"],
    ['3,3', "option --seeds: seed 3 appears twice in '3,3'"],
    ['4', "option --seeds: '4' names one seed; results across seeds need at least two (for one seed use --seed)"],
  ])('--seeds %s', async (seeds, message) => {
    const r = await cli(['demo', '--quick', '--seeds', seeds, '--out', join(tmpdir(), 'fewbeat-never-written')]);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(`error: ${message}`), r.stderr).toBe(true);
    expect(r.stderr.endsWith('\n') && r.stderr.trim().split('\n').length === 1, r.stderr).toBe(true);
    expect(r.stdout).toBe('');
  });

  it('refuses --seed together with --seeds', async () => {
    const r = await cli(['demo', '--quick', '--seed', '3', '--seeds', '1,2', '--out', join(tmpdir(), 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: options --seed and --seeds: give one of them (--seeds runs every seed it lists)\n');
  });
});

describe(
  'fewbeat demo --quick --seeds 1,2 (two quick demos, ~1.5 minutes on an idle 2-core machine)',
  { timeout: 1_800_000 },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'fewbeat-demo-seeds-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let run: { code: number; stdout: string; stderr: string } | undefined;
    const ran = async () => (run ??= await cli(['demo', '--quick', '--seeds', '1,2', '--out', dir]));
    const read = <T>(...path: string[]): T => JSON.parse(readFileSync(join(dir, ...path), 'utf8')) as T;

    it('runs a whole demo per seed in its own folder, each with its own cohort', async () => {
      const r = await ran();
      expect(r.code, r.stderr).toBe(0);
      for (const seed of [1, 2]) {
        for (const file of ['cohort/manifest.csv', 'model/config.json', 'report/metrics.json', 'report/report.html'])
          expect(existsSync(join(dir, `seed-${seed}`, file)), `seed-${seed}/${file}`).toBe(true);
        expect(read<{ seed: number }>(`seed-${seed}`, 'model', 'config.json').seed).toBe(seed);
      }
      const manifest = (seed: number) => readFileSync(join(dir, `seed-${seed}`, 'cohort', 'manifest.csv'), 'utf8');
      expect(manifest(1)).not.toBe(manifest(2));
    });

    it("copies each seed's own figures into its row and pools them by this test's own arithmetic", async () => {
      await ran();
      const seeds = [1, 2].map((s) => read<SeedMetricsFile>(`seed-${s}`, 'report', 'metrics.json'));
      const across = read<AcrossSeedsFile>('report', 'metrics-across-seeds.json');
      expect(across.seeds).toEqual([1, 2]);
      expect(across.settings).toHaveLength(seeds[0]?.settings.length as number);
      for (const s of across.settings) {
        const own = seeds.map((m) => m.settings.find((x) => x.split === s.split && x.shots === s.shots));
        const [a, b] = own.map((x) => x?.episode_accuracy.mean as number) as [number, number];
        expect(s.per_seed.map((r) => [r.seed, r.episode_accuracy])).toEqual([
          [1, own[0]?.episode_accuracy],
          [2, own[1]?.episode_accuracy],
        ]);
        expectPooled(s.across_seeds.episode_accuracy, a, b);
        expectPooled(
          s.across_seeds.balanced_accuracy,
          own[0]?.balanced_accuracy as number,
          own[1]?.balanced_accuracy as number,
        );
      }
    });

    it("pools each baseline's paired differences from the seeds' own paired differences", async () => {
      await ran();
      const seeds = [1, 2].map((s) => read<SeedMetricsFile>(`seed-${s}`, 'report', 'metrics.json'));
      const across = read<AcrossSeedsFile>('report', 'metrics-across-seeds.json');
      expect(new Set(across.baselines.map((b) => b.name))).toEqual(
        new Set(['ecg-only-protonet', 'supervised-finetune', 'clinical-only']),
      );
      expect(across.baselines).toHaveLength(seeds[0]?.baselines.length as number);
      for (const b of across.baselines) {
        const own = seeds.map((m) =>
          m.baselines.find((x) => x.name === b.name && x.split === b.split && x.shots === b.shots),
        );
        expect(b.per_seed.map((r) => r.difference_vs_full)).toEqual(own.map((x) => x?.difference_vs_full));
        const [a, c] = own.map((x) => x?.difference_vs_full.mean as number) as [number, number];
        expectPooled(b.pooled_difference_vs_full, a, c);
        expect(b.pooled_difference_vs_full.seeds_with_ci_above_zero).toBe(
          own.filter((x) => (x?.difference_vs_full.ci95[0] as number) > 0).length,
        );
      }
    });

    it('shows the seeds side by side in the report and the summary', async () => {
      const r = await ran();
      const html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
      expect(html).toContain('<th class="num">Seed 1</th><th class="num">Seed 2</th>');
      expect(html).toContain('Mean ± SD across seeds');
      expect(html).toContain('Pooled: mean of per-seed differences (95 % CI across seeds)');
      expect(html).toContain('href="../seed-2/report/report.html"');
      expect(html).not.toMatch(/NaN|undefined/);
      expect(r.stdout).toContain('seed 1 (95% CI, episodes)');
      expect(r.stdout).toMatch(/novel 5-way 5-shot\s+supervised-finetune\s+[+-]\d\.\d{3} \[/);
      expect(r.stdout).toContain(`the seeds side by side in ${join(dir, 'report')}/report.html`);
    });
  },
);
