import type { Command } from 'commander';
import { FewbeatError } from '../../errors.js';
import { loadModel } from '../../models/checkpoint.js';
import { exportOnnx, onnxInputs, ONNX_OUTPUTS } from '../../models/onnx/export.js';
import { initBackend } from '../../runtime/backend.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { emit } from '../output.js';

/** What `fewbeat export-onnx --json` prints. */
export interface ExportOnnxResult {
  out: string;
  bytes: number;
  inputs: string[];
  outputs: string[];
}

/** `fewbeat export-onnx --model DIR --out FILE.onnx`: the model for ONNX Runtime (Python, C++, browser). */
export function register(program: Command): void {
  program
    .command('export-onnx')
    .description(
      'export a trained model (eval mode, BatchNorm folded) as an ONNX ' +
        'file for onnxruntime in Python, C++ or the browser',
    )
    .requiredOption('--model <dir>', 'model directory (config.json + weights)')
    .requiredOption('--out <file>', 'ONNX file to write')
    .option('--json', 'print one JSON document')
    .action(async (opts: { model: string; out: string; json?: boolean }) => {
      await initBackend();
      const { model } = loadModel(opts.model);
      try {
        const bytes = exportOnnx(model);
        try {
          writeFileAtomic(opts.out, bytes);
        } catch (e) {
          throw new FewbeatError(`cannot write the ONNX file: ${(e as Error).message}`, { file: opts.out, cause: e });
        }
        emit<ExportOnnxResult>(
          {
            out: opts.out,
            bytes: bytes.length,
            inputs: onnxInputs(model.config).map((v) => `${v.name} [${v.shape.join(', ')}]`),
            outputs: [...ONNX_OUTPUTS],
          },
          opts,
          (r) => `wrote ${r.out} (${r.bytes} bytes)\ninputs:  ${r.inputs.join(', ')}\noutputs: ${r.outputs.join(', ')}`,
        );
      } finally {
        model.dispose();
      }
    });
}
