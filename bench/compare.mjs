#!/usr/bin/env node
// `npm run bench:compare`: run `fewbeat bench --json` and its PyTorch twin (bench/torch_twin.py)
// alternately in one run, then print both frameworks' medians and the ratios against the speed
// targets (docs/performance.md). Usage: node bench/compare.mjs [--repeat 3] [--runs 10] [--json]
// The twin needs PyTorch (Debian: apt-get install python3-torch); set FEWBEAT_TORCH_PYTHON to
// choose the interpreter (default: /usr/bin/python3 when it imports torch, else python3).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const repeat = Number(option('--repeat', '3'));
const runs = option('--runs', '10');
const asJson = args.includes('--json');

function torchPython() {
  if (process.env.FEWBEAT_TORCH_PYTHON) return process.env.FEWBEAT_TORCH_PYTHON;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  throw new Error('no Python with PyTorch found: install python3-torch or set FEWBEAT_TORCH_PYTHON');
}

function runJson(command, commandArgs) {
  const out = execFileSync(command, commandArgs, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
const python = torchPython();
const results = { fewbeat: [], pytorch: [] };
for (let i = 0; i < repeat; i++) {
  process.stderr.write(`round ${i + 1}/${repeat}: fewbeat ... `);
  results.fewbeat.push(runJson(process.execPath, [join(root, 'bin/fewbeat.js'), 'bench', '--json', '--runs', runs]));
  process.stderr.write('pytorch ...\n');
  results.pytorch.push(runJson(python, [join(root, 'bench/torch_twin.py'), '--runs', runs]));
}

const summary = (list) => ({
  params: list[0].params,
  train_step_ms_median: median(list.map((r) => r.train_step_ms_median)),
  train_step_cpu_ms_median: median(list.map((r) => r.train_step_cpu_ms_median)),
  // fewbeat times the step on its worker threads and in process (one thread); PyTorch in process.
  train_workers: list[0].train_workers ?? 0,
  train_step_in_process_ms_median: median(list.map((r) => r.train_step_in_process_ms_median ?? r.train_step_ms_median)),
  train_step_in_process_cpu_ms_median: median(
    list.map((r) => r.train_step_in_process_cpu_ms_median ?? r.train_step_cpu_ms_median),
  ),
  // fewbeat: the engine of the reported step, and every step
  // runner it timed (tfjs in process, tfjs workers, onnx workers).
  train_engine: list[0].train_engine ?? 'tfjs',
  train_step_ms_by_runner: Object.fromEntries(
    Object.keys(list[0].train_step_ms_by_runner ?? {}).map((name) => [
      name,
      {
        wall: median(list.map((r) => r.train_step_ms_by_runner[name].wall)),
        cpu: median(list.map((r) => r.train_step_ms_by_runner[name].cpu)),
      },
    ]),
  ),
  infer_ecg_per_s: median(list.map((r) => r.infer_ecg_per_s)),
  infer_ecg_per_s_by_path: Object.fromEntries(
    Object.keys(list[0].infer_ecg_per_s_by_path ?? {}).map((path) => [
      path,
      median(list.map((r) => r.infer_ecg_per_s_by_path[path])),
    ]),
  ),
  // ECG per CPU-second: fewbeat's fastest path by that measure, PyTorch's one path.
  infer_ecg_per_cpu_s: median(
    list.map((r) => r.infer_ecg_per_cpu_s ?? Math.max(...Object.values(r.infer_ecg_per_cpu_s_by_path))),
  ),
  peak_rss_mb: Math.max(...list.map((r) => r.peak_rss_mb)),
  backend: list[0].backend,
});
const fewbeat = summary(results.fewbeat);
const pytorch = summary(results.pytorch);
const ratios = {
  train_step: fewbeat.train_step_ms_median / pytorch.train_step_ms_median,
  train_step_cpu: fewbeat.train_step_cpu_ms_median / pytorch.train_step_cpu_ms_median,
  train_step_in_process: fewbeat.train_step_in_process_ms_median / pytorch.train_step_ms_median,
  train_step_in_process_cpu: fewbeat.train_step_in_process_cpu_ms_median / pytorch.train_step_cpu_ms_median,
  inference: fewbeat.infer_ecg_per_s / pytorch.infer_ecg_per_s,
  inference_cpu: fewbeat.infer_ecg_per_cpu_s / pytorch.infer_ecg_per_cpu_s,
};
const report = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, node ${process.version}`,
  repeat,
  runs: Number(runs),
  fewbeat,
  pytorch,
  ratios,
  targets: { train_step: '<= 1.0', inference: '>= 1.5' },
  met: { train_step: ratios.train_step <= 1.0, inference: ratios.inference >= 1.5 },
  rounds: results,
};

if (asJson) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const f = (v, d = 1) => v.toFixed(d);
  const rows = [
    ['', 'fewbeat', 'PyTorch', 'ratio', 'target', 'met'],
    [
      `train step (ms, median), engine ${fewbeat.train_engine}, ${fewbeat.train_workers} workers`,
      f(fewbeat.train_step_ms_median),
      f(pytorch.train_step_ms_median),
      f(ratios.train_step, 2),
      '<= 1.0',
      report.met.train_step ? 'yes' : 'no',
    ],
    [
      'train step (CPU ms, median)',
      f(fewbeat.train_step_cpu_ms_median),
      f(pytorch.train_step_cpu_ms_median),
      f(ratios.train_step_cpu, 2),
      '',
      '',
    ],
    ...Object.entries(fewbeat.train_step_ms_by_runner).map(([name, t]) => [
      `  ${name} (ms; CPU ms)`,
      `${f(t.wall)}; ${f(t.cpu)}`,
      '',
      f(t.wall / pytorch.train_step_ms_median, 2),
      '',
      '',
    ]),
    [
      'inference (ECG/s), fastest',
      f(fewbeat.infer_ecg_per_s),
      f(pytorch.infer_ecg_per_s),
      f(ratios.inference, 2),
      '>= 1.5',
      report.met.inference ? 'yes' : 'no',
    ],
    ...Object.entries(fewbeat.infer_ecg_per_s_by_path).map(([path, v]) => [
      `  inference via ${path}`,
      f(v),
      '',
      f(v / pytorch.infer_ecg_per_s, 2),
      '',
      '',
    ]),
    [
      'inference (ECG per CPU-second)',
      f(fewbeat.infer_ecg_per_cpu_s),
      f(pytorch.infer_ecg_per_cpu_s),
      f(ratios.inference_cpu, 2),
      '',
      '',
    ],
    ['peak RSS (MB)', f(fewbeat.peak_rss_mb), f(pytorch.peak_rss_mb), '', '', ''],
    ['parameters', String(fewbeat.params), String(pytorch.params), '', '', ''],
    ['backend', fewbeat.backend, pytorch.backend, '', '', ''],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd()}\n`,
    );
  process.stdout.write(`${report.machine}; medians over ${repeat} alternating rounds of ${runs} timed runs each\n`);
}
