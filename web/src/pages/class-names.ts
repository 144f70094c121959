/** Readable names of the canonical class ids (data/classes.json); a class a clinician named shows as typed. */
const NAMES: Record<string, string> = {
  nsr: 'normal sinus rhythm',
  rsa: 'respiratory sinus arrhythmia',
  sinus_tachy: 'sinus tachycardia',
  sinus_brady: 'sinus bradycardia',
  svt: 'supraventricular tachycardia',
  wpw: 'Wolff-Parkinson-White pattern',
  aflutter: 'atrial flutter',
  eat: 'ectopic atrial tachycardia',
  jet: 'junctional ectopic tachycardia',
  pac: 'premature atrial contractions',
  pvc: 'premature ventricular contractions',
  avb1: 'first-degree AV block',
  avb2_mobitz1: 'second-degree AV block, Mobitz I',
  avb2_mobitz2: 'second-degree AV block, Mobitz II',
  chb: 'complete heart block',
  lqts: 'long QT',
  vt: 'ventricular tachycardia',
  afib: 'atrial fibrillation',
  brugada: 'Brugada pattern',
  unknown: 'not like any enrolled class',
};

export function className(id: string): string {
  const n = NAMES[id];
  return n ? `${n} (${id})` : id;
}
