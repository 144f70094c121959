import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { saveModel } from '../../models/checkpoint.js';
import { modelConfigSchema } from '../../models/config.js';
import { FewbeatModel } from '../../models/model.js';
import { initBackend } from '../../runtime/backend.js';
import { runCli as run } from '../../test-utils/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fewbeat-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('fewbeat export-onnx', () => {
  it('writes an ONNX file of a saved model that ONNX Runtime opens, with the documented inputs and outputs', async () => {
    await initBackend('wasm');
    const model = new FewbeatModel(modelConfigSchema.parse({ ecg: { samples: 128 } }), 5);
    saveModel(join(dir, 'model'), model);
    model.dispose();
    const out = join(dir, 'model.onnx');
    const { code, stdout } = await run(['export-onnx', '--model', join(dir, 'model'), '--out', out, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ out, inputs: ['ecg [batch, 128, 12]', 'lead_mask [batch, 12]', 'clinical [batch, 24]'] });
    const session = await ort.InferenceSession.create(readFileSync(out));
    expect([...session.inputNames]).toEqual(['ecg', 'lead_mask', 'clinical']);
    expect([...session.outputNames]).toEqual(['fused', 'ecg_embedding', 'clinical_embedding', 'ecg_proj', 'clin_proj']);
    await session.release();
  });

  it('names the missing model directory in a one-line error', async () => {
    const { code, stderr } = await run(['export-onnx', '--model', join(dir, 'nowhere'), '--out', join(dir, 'x.onnx')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/nowhere.*config\.json|config\.json.*nowhere/);
  });
});
