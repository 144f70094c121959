import type { Command } from 'commander';
import { loadModel } from '../../models/checkpoint.js';
import { exportOnnx } from '../../models/onnx/export.js';
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
    .description('export a trained model (eval mode, BatchNorm folded) as an ONNX file for onnxruntime in Python, C++ or the browser')
    .requiredOption('--model <dir>', 'model directory (config.json + weights)')
    .requiredOption('--out <file>', 'ONNX file to write')
    .option('--json', 'print one JSON document')
    .action(async (opts: { model: string; out: string; json?: boolean }) => {
      await initBackend();
      const { model } = loadModel(opts.model);
      try {
        const bytes = exportOnnx(model);
        writeFileAtomic(opts.out, bytes);
        const c = model.config;
        emit<ExportOnnxResult>({
          out: opts.out,
          bytes: bytes.length,
          inputs: [`ecg [batch, ${c.ecg.samples}, ${c.ecg.leads}]`, `lead_mask [batch, ${c.ecg.leads}]`, `clinical [batch, ${c.clinical.inputDim}]`],
          outputs: ['fused', 'ecg_embedding', 'clinical_embedding', 'ecg_proj', 'clin_proj'],
        }, opts, (r) => `wrote ${r.out} (${r.bytes} bytes)\ninputs:  ${r.inputs.join(', ')}\noutputs: ${r.outputs.join(', ')}`);
      } finally {
        model.dispose();
      }
    });
}
