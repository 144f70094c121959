import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGE_BANDS } from '../../clinical/age-bands.js';
import { Rng } from '../../util/rng.js';
import { ablationEntry, baselineEntry } from '../metrics/comparison-entries.js';
import { checkContentHash } from '../../util/content-hash.js';
import { MetricsJsonSchema } from '../metrics/metrics-schema.js';
import type { QueryPrediction } from '../metrics/pooled-predictions.js';
import { settingEntry, type SettingDescription } from '../metrics/setting-entry.js';
import type { ReportData } from './report-data.js';
import { writeReport } from './write-report.js';

const NOVEL = ['svt', 'wpw', 'chb', 'lqts', 'vt'];
const BASE = ['nsr', 'sinus_tachy', 'pvc', 'avb1', 'aflutter'];
const BANDS = AGE_BANDS.slice(0, 10).map((b) => b.id);

/**
 * Seeded fake episodes. `skill` is the logit margin of the true class; every class has its own
 * difficulty, so the per-class numbers differ. The same seed gives the same episodes, classes and
 * age bands whatever the skill, so variants are paired on the same episodes.
 */
function fakeEpisodes(
  seed: number,
  pool: readonly string[],
  s: SettingDescription,
  episodes: number,
  skill: number,
): QueryPrediction[] {
  const rng = new Rng(seed);
  const out: QueryPrediction[] = [];
  for (let e = 0; e < episodes; e++) {
    const episodeClasses = rng.shuffle([...pool]).slice(0, s.ways);
    for (const trueClass of episodeClasses) {
      const difficulty = 0.6 + 0.15 * pool.indexOf(trueClass);
      for (let q = 0; q < s.queries; q++) {
        const logits = episodeClasses.map(
          (c) => (c === trueClass ? (skill * (1 + 0.3 * Math.log(s.shots))) / difficulty : 0) + 1.2 * rng.normal(),
        );
        const max = Math.max(...logits);
        const exps = logits.map((l) => Math.exp(l - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        out.push({
          episode: e,
          trueClass,
          episodeClasses,
          probabilities: exps.map((x) => x / sum),
          ageBand: rng.pick(BANDS),
        });
      }
    }
  }
  return out;
}

function fakeReportData(): ReportData {
  const oneShot = { split: 'novel', ways: 5, shots: 1, queries: 10, classes: NOVEL };
  const fiveShot = { split: 'novel', ways: 5, shots: 5, queries: 10, classes: NOVEL };
  const mixed = { split: 'generalised', ways: 5, shots: 5, queries: 10, classes: [...BASE, ...NOVEL] };
  const full5 = fakeEpisodes(7, NOVEL, fiveShot, 120, 2.6);
  const settings = [
    settingEntry(fakeEpisodes(6, NOVEL, oneShot, 120, 2.6), oneShot),
    settingEntry(full5, fiveShot, { bootstrap: { seed: 1, resamples: 100 } }),
    settingEntry(fakeEpisodes(8, [...BASE, ...NOVEL], mixed, 120, 2.6), mixed),
  ];
  const baselines = [
    ['ecg-only-protonet', 2.0],
    ['clinical-only', 0.9],
    ['handcrafted-features', 1.4],
    ['supervised-finetune', 1.8],
  ].map(([name, skill]) =>
    baselineEntry(name as string, fakeEpisodes(7, NOVEL, fiveShot, 120, skill as number), full5, fiveShot),
  );
  const ablations = [
    ['no-contrastive', 2.2],
    ['no-consistency', 2.5],
    ['no-label-aware-negatives', 2.45],
    ['fusion-early', 2.55],
    ['fusion-cross-attention', 2.65],
  ].map(([name, skill]) =>
    ablationEntry(
      name as string,
      fakeEpisodes(7, NOVEL, fiveShot, 120, skill as number),
      full5,
      fiveShot,
      name === 'no-contrastive' ? { question: 'does the cross-modal contrastive term help?' } : {},
    ),
  );

  const rng = new Rng(42);
  const steps = Array.from({ length: 100 }, (_, i) => {
    const episode = (i + 1) * 20;
    const decay = Math.exp(-episode / 600);
    return {
      episode,
      losses: {
        total: 1.2 + 2.5 * decay + 0.08 * rng.normal(),
        contrastive: 0.9 + 1.3 * decay + 0.05 * rng.normal(),
        class: 0.2 + 1.0 * decay + 0.05 * rng.normal(),
        consistency: 0.1 + 0.2 * decay + 0.02 * rng.normal(),
      },
    };
  });
  const validation = Array.from({ length: 20 }, (_, i) => ({
    episode: (i + 1) * 100,
    accuracy: 0.9 - 0.55 * Math.exp(-(i + 1) / 5) + 0.01 * rng.normal(),
  }));
  const centres = new Map([...NOVEL, ...BASE].map((c) => [c, Array.from({ length: 32 }, () => 0.9 * rng.normal())]));
  const points = Array.from({ length: 300 }, (_, i) => {
    const label = [...NOVEL, ...BASE][i % 10] as string;
    const ageBand = rng.pick(BANDS);
    const ageShift = BANDS.indexOf(ageBand) * 0.08;
    return { vector: (centres.get(label) as number[]).map((x) => x + ageShift + rng.normal()), label, ageBand };
  });
  return {
    metrics: { settings, baselines, ablations },
    run: {
      createdAt: '2026-11-25T18:00:00Z',
      command: 'fewbeat eval --model out/model --manifest out/cohort/manifest.csv --episodes 120 --out out/report',
      seed: 7,
      cohort: 'synthetic default cohort (fake data for the report test)',
      durationSeconds: 512,
      details: {
        backend: 'wasm',
        fusion: 'late',
        embedding_dim: 64,
        loss: { lambda1: 1, lambda2: 0.5, beta: 0.5, gamma: 2 },
        preprocessing: {
          fs: 250,
          seconds: 10,
          leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
          bandpass: [0.5, 40],
          notch: 50,
        },
      },
    },
    history: { steps, validation },
    embeddings: { description: 'query embeddings of 30 novel- and base-class examples each', points, seed: 3 },
  };
}

/** Temporary folders of this file, removed after the tests. */
const scratch: string[] = [];
const scratchDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'fewbeat-report-'));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('writeReport', () => {
  // FEWBEAT_REPORT_TEST_OUT keeps the report for a look in a browser (docs/report-screenshot.png).
  const outDir = process.env.FEWBEAT_REPORT_TEST_OUT ?? scratchDir();
  const data = fakeReportData();
  const written = writeReport(data, outDir);

  it('writes report.html and a metrics.json that validates against the schema', async () => {
    const paths = await written;
    const json = JSON.parse(readFileSync(paths.metrics, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'fewbeat-eval-metrics', version: 1 });
    expect(() => checkContentHash(json, paths.metrics, '')).not.toThrow();
    const metrics = MetricsJsonSchema.parse(json);
    expect(metrics.settings).toHaveLength(3);
    expect(metrics.ablations.map((a) => a.name)).toContain('no-contrastive');
    expect(readFileSync(paths.html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('makes a self-contained page: no script, no external resource, no URL at all', async () => {
    const html = readFileSync((await written).html, 'utf8');
    expect(html).not.toMatch(/https?:|src=|<script|<link|@import|url\((?!#)/i);
  });

  it('holds every required plot and table, with class display names and confidence intervals', async () => {
    const html = readFileSync((await written).html, 'utf8');
    const plots = [...html.matchAll(/data-plot="([^"]+)"/g)].map((m) => m[1]);
    expect(plots.filter((p) => p === 'roc')).toHaveLength(3);
    expect(plots.filter((p) => p === 'confusion-matrix')).toHaveLength(3);
    expect(plots.filter((p) => p === 'reliability')).toHaveLength(3);
    expect(plots).toContain('learning-curves');
    expect(plots).toContain('embedding-map');
    for (const figure of html.match(/<figure[^>]*>[\s\S]*?<\/figure>/g) ?? [])
      expect(figure).toMatch(/<svg[\s\S]*<path|<svg[\s\S]*<text/);
    expect(html).toContain('Supraventricular tachycardia');
    expect(html).toContain('Complete (third-degree) AV block');
    expect(html).toContain('no-label-aware-negatives');
    expect(html).toContain('does the cross-modal contrastive term help?');
    expect(html).toMatch(/Full − variant, paired \(95 % CI\)/);
    expect(html).toContain('1–3 y');
    expect((html.match(/class="ci"/g) ?? []).length).toBeGreaterThan(10);
  });

  it("leaves the project's own targets out of the report unless asked", async () => {
    const html = readFileSync((await written).html, 'utf8');
    expect(html).not.toMatch(/Project targets|Contrastive term helps|Balanced accuracy ≥/);
  });

  it('adds the project targets when asked, with the misses as plainly as the hits', async () => {
    const withTargets = await writeReport(data, scratchDir(), { targets: true });
    const html = readFileSync(withTargets.html, 'utf8');
    expect(html).toMatch(/<h3 id="targets">Project targets \(novel classes, 5-way 5-shot\)<\/h3>/);
    // The fake run's 5-shot balanced accuracy, as targetChecks measures it, and its verdict against 0.85.
    const fiveShot = data.metrics.settings.find((s) => s.split === 'novel' && s.shots === 5);
    const accuracy = fiveShot?.balanced_accuracy as number;
    expect(html).toContain(`<td>Balanced accuracy ≥ 0.85</td><td>${accuracy.toFixed(3)}</td>`);
    expect(html).toContain(accuracy >= 0.85 ? 'class="good">met' : 'class="bad">not met');
    expect(html).toMatch(/Contrastive term helps/);
  });

  it(
    'renders a minimal run (one setting, no history, embeddings, ' + 'baselines or ablations) and says what is missing',
    async () => {
      const minimal = await writeReport(
        { metrics: { settings: data.metrics.settings.slice(0, 1) }, run: { createdAt: '2026-11-25T18:00:00Z' } },
        scratchDir(),
      );
      const html = readFileSync(minimal.html, 'utf8');
      expect(html).toMatch(/Training history not available in this run/);
      expect(html).toMatch(/Embeddings not available in this run/);
      expect(html).toMatch(/Baselines not available in this run/);
      expect([...html.matchAll(/data-plot="([^"]+)"/g)].map((m) => m[1])).toEqual([
        'roc',
        'reliability',
        'confusion-matrix',
      ]);
    },
  );

  it('refuses a NaN in the input with the path of the field, and writes nothing', async () => {
    const dir = scratchDir();
    const bad = { ...data, history: { steps: [{ episode: 1, losses: { total: Number.NaN } }] } };
    await expect(writeReport(bad, dir)).rejects.toThrow(/report data: history\.steps\.0\.losses\.total: /);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('is reproducible: the same data gives the same page, UMAP included', async () => {
    const again = await writeReport(data, process.env.FEWBEAT_REPORT_TEST_OUT2 ?? scratchDir());
    expect(readFileSync(again.html, 'utf8') === readFileSync((await written).html, 'utf8')).toBe(true);
  });
});
