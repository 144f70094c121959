import classes from '../../../data/classes.json';

const NAMES = new Map<string, string>(
  (classes as { classes: { id: string; name: string }[] }).classes.map((c) => [c.id, c.name]),
);

/** "Supraventricular tachycardia (svt)" for a canonical class id; a class a clinician named shows as typed. */
export function className(id: string): string {
  if (id === 'unknown') return 'not like any enrolled class';
  const n = NAMES.get(id);
  return n ? `${n} (${id})` : id;
}
