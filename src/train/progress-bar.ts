import cliProgress from 'cli-progress';
import type { StepRecord, TrainerState } from './trainer.js';

/**
 * A terminal progress bar for training (cli-progress, on stderr): episode, loss and its parts,
 * episodes per second, ETA and the best validation accuracy so far.
 */
export function trainingProgressBar(
  total: number,
  label = 'train',
): { update(record: StepRecord, state: TrainerState): void; stop(): void } {
  if (!process.stderr.isTTY) return progressLines(total, label);
  const bar = new cliProgress.SingleBar(
    {
      format:
        `${label} [{bar}] {value}/{total} | loss {loss} (con {con} cls {cls} cns {cns}) | ` +
        '{speed} ep/s | ETA {eta_formatted} | val {val}',
      stream: process.stderr,
      hideCursor: false,
      etaBuffer: 50,
      fps: 5,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let t0 = 0;
  let first = 0;
  const payload = (r: StepRecord | null, s: TrainerState | null, speed: number): Record<string, string> => ({
    loss: r ? r.loss.toFixed(3) : '-',
    con: r ? r.contrastive.toFixed(3) : '-',
    cls: r ? r.class.toFixed(3) : '-',
    cns: r ? r.consistency.toFixed(3) : '-',
    speed: speed.toFixed(2),
    val: s && Number.isFinite(s.best.accuracy) ? s.best.accuracy.toFixed(3) : '-',
  });
  return {
    update(record, state) {
      if (!started) {
        bar.start(total, record.episode - 1, payload(null, null, 0));
        started = true;
        t0 = performance.now();
        first = record.episode - 1;
      }
      const speed = (record.episode - first) / Math.max(1e-3, (performance.now() - t0) / 1000);
      bar.update(record.episode, payload(record, state, speed));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Without a terminal (CI logs, `2> file`) a redrawn bar shows nothing while the training loop keeps
 * the event loop busy, so print one plain line every 5 % of the episodes instead.
 */
function progressLines(
  total: number,
  label: string,
): { update(record: StepRecord, state: TrainerState): void; stop(): void } {
  const every = Math.max(1, Math.floor(total / 20));
  let t0 = 0;
  let first = -1;
  return {
    update(record, state) {
      if (first < 0) {
        first = record.episode - 1;
        t0 = performance.now();
      }
      if (record.episode % every !== 0 && record.episode !== total) return;
      const seconds = (performance.now() - t0) / 1000;
      const speed = (record.episode - first) / Math.max(1e-3, seconds);
      const eta = (total - record.episode) / Math.max(1e-9, speed);
      const val = Number.isFinite(state.best.accuracy) ? state.best.accuracy.toFixed(3) : '-';
      process.stderr.write(
        `${label} ${record.episode}/${total} | loss ${record.loss.toFixed(3)} (con ${record.contrastive.toFixed(3)} ` +
          `cls ${record.class.toFixed(3)} cns ${record.consistency.toFixed(3)}) | ${speed.toFixed(2)} ep/s | ` +
          `ETA ${eta.toFixed(0)} s | val ${val}\n`,
      );
    },
    stop() {},
  };
}
