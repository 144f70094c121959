import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliForChildProcess } from '../test-utils/cli-process.js';
import { Rng } from '../util/rng.js';

/**
 * `fewbeat train` killed with SIGKILL at seeded points, then run again with `--resume`, ends with
 * the same model, bit for bit, as a run that was never interrupted. The tiny run (preset `tiny`,
 * 12 episodes, validation and checkpoint every 2) improves at every check of seed 1, so the final
 * model is the weights after the last step. `KILL_POINTS=10` (`npm run test:kill`) runs ten kill
 * points; `npm test` runs three.
 */
const KILL_POINTS = Number(process.env.KILL_POINTS ?? 3);
const EPISODES = 12;
const TRAIN_ARGS = [
  ...['--preset', 'tiny', '--episodes', String(EPISODES), '--ways', '3', '--shots', '2', '--queries', '2'],
  ...['--novel', 'jet,vt', '--validate-every', '2', '--workers', '0', '--seed', '1', '--json'],
];

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Run the CLI; when `killAt` is given, SIGKILL it once it reports finishing episode `killAt.episode`,
 * after `killAt.fraction` of the time the episode before took (so the kill lands inside the next
 * episode, its validation or its checkpoint write however fast the machine is).
 */
function runCli(bin: string, args: string[], killAt?: { episode: number; fraction: number }): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let armed = false;
    let previousReport: number | undefined;
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!killAt || armed) return;
      const now = performance.now();
      if (new RegExp(`train ${killAt.episode}/${EPISODES}\\b`).test(stderr)) {
        armed = true;
        const episodeMs = now - (previousReport ?? now);
        setTimeout(() => child.kill('SIGKILL'), killAt.fraction * episodeMs);
      } else if (new RegExp(`train ${killAt.episode - 1}/${EPISODES}\\b`).test(stderr)) {
        previousReport = now;
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stderr }));
  });
}

/** The committed model: config.json and the weights binary it names. */
function finalModel(dir: string): { config: string; weights: Buffer } {
  const config = readFileSync(join(dir, 'config.json'), 'utf8');
  const bin = readdirSync(dir).filter((f) => /^weights-[0-9a-f]{16}\.bin$/.test(f));
  expect(bin).toHaveLength(1);
  return { config, weights: readFileSync(join(dir, bin[0] as string)) };
}

describe('fewbeat train killed with SIGKILL and resumed', () => {
  let root: string;
  let bin: string;
  let cohort: string;
  let reference: { config: string; weights: Buffer };

  beforeAll(async () => {
    ({ root, bin } = await buildCliForChildProcess());
    cohort = join(root, 'cohort');
    const synth = await runCli(bin, [
      ...['synth', '--out', cohort, '--patients', '60', '--fs', '250', '--duration', '10'],
      ...['--classes', 'nsr,svt,chb,lqts,jet,vt', '--noise', 'low', '--json'],
    ]);
    expect(synth.code, synth.stderr).toBe(0);
    const run = await runCli(bin, ['train', '--manifest', cohort, '--out', join(root, 'uninterrupted'), ...TRAIN_ARGS]);
    expect(run.code, run.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(root, 'uninterrupted', 'metrics.json'), 'utf8')) as {
      best: { episode: number };
    };
    expect(metrics.best.episode).toBe(EPISODES); // the final model is the last step's weights
    reference = finalModel(join(root, 'uninterrupted'));
  }, 300_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const rng = new Rng(20);
  const points = Array.from({ length: KILL_POINTS }, () => ({
    episode: rng.int(2, EPISODES - 1),
    fraction: Math.round(rng.uniform(0, 1) * 100) / 100,
  }));

  it.each(points.map((p, i) => ({ ...p, i })))(
    'ends with the uninterrupted weights after a kill $fraction of an episode after episode $episode',
    async ({ episode, fraction, i }) => {
      const out = join(root, `killed-${i}`);
      const killed = await runCli(bin, ['train', '--manifest', cohort, '--out', out, ...TRAIN_ARGS], {
        episode,
        fraction,
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const resumed = await runCli(bin, ['train', '--manifest', cohort, '--out', out, '--resume', ...TRAIN_ARGS]);
      expect(resumed.code, resumed.stderr).toBe(0);
      const model = finalModel(out);
      expect(model.config).toBe(reference.config);
      expect(Buffer.compare(model.weights, reference.weights)).toBe(0);
      expect(existsSync(join(out, 'checkpoint'))).toBe(false);
      expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    },
    300_000,
  );
});
