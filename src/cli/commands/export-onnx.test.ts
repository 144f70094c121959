import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../models/checkpoint.js';
import { relativeError } from '../../models/kernels/test-utils/parity.js';
import { ONNX_OUTPUTS } from '../../models/onnx/export.js';
import { onnxForward, randomInput, randomModel, tfjsForward } from '../../models/onnx/test-utils/onnx-parity.js';
import { initBackend } from '../../runtime/backend.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fewbeat-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fewbeat export-onnx', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('exports a saved model whose ONNX outputs match the tfjs forward to 1e-4', async () => {
    const model = randomModel({ ecg: { samples: 128 } }, 5);
    saveModel(join(dir, 'model'), model);
    const out = join(dir, 'model.onnx');
    const { code, stdout } = await run(['export-onnx', '--model', join(dir, 'model'), '--out', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      out,
      inputs: ['ecg [batch, 128, 12]', 'lead_mask [batch, 12]', 'clinical [batch, 24]'],
      outputs: [...ONNX_OUTPUTS],
    });
    const x = randomInput(model.config, 5);
    const expected = tfjsForward(model, x);
    const got = await onnxForward(readFileSync(out), model.config, x);
    model.dispose();
    for (const name of ONNX_OUTPUTS) expect(relativeError(got[name], expected[name]), name).toBeLessThan(1e-4);
  });

  it('names the missing model directory in a one-line error', async () => {
    const { code, stderr } = await run(['export-onnx', '--model', join(dir, 'nowhere'), '--out', join(dir, 'x.onnx')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/nowhere.*config\.json|config\.json.*nowhere/);
  });

  it('names an output path it cannot write in a one-line error', async () => {
    const model = randomModel({ ecg: { samples: 64 } }, 6);
    saveModel(join(dir, 'small'), model);
    model.dispose();
    const occupied = join(dir, 'a-directory.onnx');
    mkdirSync(occupied);
    const { code, stderr } = await run(['export-onnx', '--model', join(dir, 'small'), '--out', occupied]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .*a-directory\.onnx: cannot write the ONNX file: /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
