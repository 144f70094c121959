import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AGE_BANDS } from '../../clinical/age-bands.js';
import { FewbeatError } from '../../errors.js';

/** data/classes.json, found from this module in src/ and in dist/ alike. */
const CLASSES_JSON = fileURLToPath(new URL('../../../data/classes.json', import.meta.url));

/** Class id → display name from data/classes.json (e.g. `svt` → "Supraventricular tachycardia (AVRT/AVNRT)"). */
export function canonicalClassNames(): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(CLASSES_JSON, 'utf8'));
  } catch (e) {
    throw new FewbeatError(`cannot read the class list: ${(e as Error).message}`, { file: CLASSES_JSON });
  }
  const classes = (parsed as { classes?: { id?: unknown; name?: unknown }[] }).classes;
  if (!Array.isArray(classes)) throw new FewbeatError('has no "classes" array', { file: CLASSES_JSON });
  return Object.fromEntries(
    classes
      .filter((c) => typeof c.id === 'string' && typeof c.name === 'string')
      .map((c) => [c.id as string, c.name as string]),
  );
}

/**
 * Labels for plots and tables: `name` is the display name (the id itself when unknown) and
 * `short` drops a trailing parenthetical, e.g. "Supraventricular tachycardia", for axes.
 */
export function classLabel(id: string, names: Readonly<Record<string, string>>): { name: string; short: string } {
  const name = names[id] ?? id;
  return { name, short: name.replace(/\s*\([^)]*\)\s*$/, '') };
}

/** Display label of an age band id, e.g. `1-3mo` → "1–3 mo"; other strings unchanged. */
export function ageBandLabel(id: string): string {
  return AGE_BANDS.find((b) => b.id === id)?.label ?? id;
}
