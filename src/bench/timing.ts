/**
 * Timing helpers shared by the benchmark scripts: medians of wall-clock and CPU time. On a shared
 * machine the CPU time (user + system of this process, all threads) is the steadier figure: it
 * leaves out time spent waiting for a core.
 */

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

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
