import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { FewbeatError } from '../errors.js';
import { packageFile } from '../util/package-file.js';
import { modelConfigSchema, type ModelConfig, type ModelConfigInput } from './config.js';

/** `data/presets/`, shipped with the package. */
const PRESET_DIRECTORY = `${packageFile('data/presets', import.meta.url)}/`;

const presetFileSchema = z.object({
  /** What the preset is for. */
  description: z.string(),
  /** A model configuration; omitted fields take the schema defaults. */
  model: modelConfigSchema,
});

/** Names of the shipped presets (`default`, `bench`, …). */
export function listPresets(): string[] {
  return readdirSync(PRESET_DIRECTORY)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** One line for the first schema violation: `<field.path>: <message>`. */
function firstIssue(error: z.ZodError, fallback: string): string {
  const issue = error.issues[0];
  if (!issue) return fallback;
  return `${issue.path.map(String).join('.') || fallback}: ${issue.message}`;
}

/**
 * Parse a model configuration, turning a schema violation into one FewbeatError line that
 * names `source` and the offending field, e.g. `config.json: ecg.blocks.0.stride: Too small: expected number to be >0`.
 */
export function parseModelConfig(input: unknown, source: string): ModelConfig {
  const result = modelConfigSchema.safeParse(input);
  if (!result.success) throw new FewbeatError(firstIssue(result.error, 'model'), { file: source });
  return result.data;
}

/**
 * The model configuration of preset `name` (`data/presets/<name>.json`), with `overrides`
 * merged over it section by section (e.g. `{ clinical: { inputDim: 31 } }` from the clinical encoder).
 */
export function loadPreset(name: string, overrides: ModelConfigInput = {}): ModelConfig {
  const file = `${PRESET_DIRECTORY}${name}.json`;
  if (!/^[\w-]+$/.test(name) || !existsSync(file)) {
    throw new FewbeatError(`unknown model preset '${name}', available: ${listPresets().join(', ')}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  const preset = presetFileSchema.safeParse(raw);
  if (!preset.success) throw new FewbeatError(firstIssue(preset.error, 'preset'), { file });
  const base = preset.data.model;
  const merged = {
    ...base,
    ...overrides,
    ecg: { ...base.ecg, ...overrides.ecg },
    clinical: { ...base.clinical, ...overrides.clinical },
  };
  return parseModelConfig(merged, `${file} (with overrides)`);
}
