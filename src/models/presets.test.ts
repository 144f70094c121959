import { describe, expect, it } from 'vitest';
import { modelConfigSchema } from './config.js';
import { listPresets, loadPreset, parseModelConfig } from './presets.js';

describe('model presets', () => {
  it('ships at least the default and bench presets, and each parses', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['bench', 'default']));
    for (const name of listPresets()) expect(() => loadPreset(name)).not.toThrow();
  });

  it('has schema defaults equal to the bench preset, with s = log(1/0.07) clamped at log 100', () => {
    const defaults = modelConfigSchema.parse({});
    expect(loadPreset('bench')).toEqual(defaults);
    expect(defaults.logitScaleInit).toBeCloseTo(2.659, 3);
    expect(defaults.logitScaleMax).toBeCloseTo(Math.log(100), 10);
  });

  it('merges overrides section by section', () => {
    const config = loadPreset('default', { clinical: { inputDim: 31 }, fusionHidden: [32] });
    expect(config.clinical).toEqual({ inputDim: 31, hidden: [64], embedDim: 128 });
    expect(config.fusionHidden).toEqual([32]);
    expect(config.ecg.leadMask).toBe('channels');
  });

  it('names the preset list for an unknown preset and the field for an invalid config', () => {
    expect(() => loadPreset('huge')).toThrow(/unknown model preset 'huge', available: .*bench.*default/);
    expect(() => loadPreset('../bench')).toThrow(/unknown model preset/);
    expect(() => loadPreset('bench', { ecg: { blocks: [{ out: 8, stride: 0, kernel: 3 }] } })).toThrow(
      /ecg\.blocks\.0\.stride/,
    );
    expect(() => parseModelConfig({ projDim: 0 }, 'my.json')).toThrow(/^my\.json: projDim: /);
  });
});
