/** The canonical class ids of data/classes.json, in that order; the synthetic cohort generates all of them. */
export const CLASS_IDS = [
  'nsr',
  'rsa',
  'sinus_tachy',
  'sinus_brady',
  'svt',
  'wpw',
  'aflutter',
  'eat',
  'jet',
  'pac',
  'pvc',
  'avb1',
  'avb2_mobitz1',
  'avb2_mobitz2',
  'chb',
  'lqts',
  'vt',
  'afib',
  'brugada',
] as const;

export type ClassId = (typeof CLASS_IDS)[number];

/** Whether `id` is a canonical class id. */
export function isClassId(id: string): id is ClassId {
  return (CLASS_IDS as readonly string[]).includes(id);
}
