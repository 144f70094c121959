/**
 * Timing helpers shared by the benchmark scripts: medians of wall-clock and CPU time. On a shared
 * machine the CPU time (user + system of this process, all threads) is the steadier figure: it
 * leaves out time spent waiting for a core.
 */

export { median } from '../util/median.js';

/** Wall-clock and CPU (user + system, all threads) milliseconds of each timed call. */
export interface RunTimes {
  wall: number[];
  cpu: number[];
}

/** Time each of `runs` calls of `f` after `warmup` untimed calls. */
export async function timeRuns(f: () => unknown, runs: number, warmup: number): Promise<RunTimes> {
  for (let i = 0; i < warmup; i++) await f();
  const times: RunTimes = { wall: [], cpu: [] };
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    times.wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    times.cpu.push((c.user + c.system) / 1000);
  }
  return times;
}
