import { readFileSync } from 'node:fs';
import { z } from 'zod';

const classesFileSchema = z.object({ classes: z.array(z.object({ id: z.string().min(1), name: z.string() })) });

/** `data/classes.json`, resolved from this module (same depth under src/ and dist/). */
export const CLASSES_FILE = new URL('../../../data/classes.json', import.meta.url);

let cache: ReadonlySet<string> | undefined;

/** fewbeat's canonical class ids (data/classes.json). */
export function knownClassIds(): ReadonlySet<string> {
  cache ??= new Set(classesFileSchema.parse(JSON.parse(readFileSync(CLASSES_FILE, 'utf8'))).classes.map((c) => c.id));
  return cache;
}

/**
 * A label is expected to be a canonical class id, or a namespaced source label such as
 * `source:(BII` or `scp:MI` that an adapter could not map (the namespace says where it came from).
 */
export function isRecognisedLabel(label: string): boolean {
  return knownClassIds().has(label) || /^[a-z0-9_-]+:.+/i.test(label);
}
