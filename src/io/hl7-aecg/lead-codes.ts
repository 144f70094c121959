/**
 * HL7 aECG lead codes (ISO/IEEE 11073-10101 MDC nomenclature, `MDC_ECG_LEAD_*`, as listed in the HL7 aECG
 * implementation guide) <-> fewbeat's lead names. Codes are the lead name in upper case after the prefix, except
 * the augmented limb leads (`AVR` <-> `aVR`); unknown codes keep their suffix as the name.
 */
const PREFIX = 'MDC_ECG_LEAD_';
const SPECIAL: Record<string, string> = { AVR: 'aVR', AVL: 'aVL', AVF: 'aVF' };

/** `MDC_ECG_LEAD_AVR` -> `aVR`, `MDC_ECG_LEAD_V1` -> `V1`; undefined for a code that is not a lead code. */
export function leadNameFromCode(code: string): string | undefined {
  if (!code.startsWith(PREFIX) || code.length === PREFIX.length) return undefined;
  const suffix = code.slice(PREFIX.length);
  return SPECIAL[suffix] ?? suffix;
}

/** `aVR` -> `MDC_ECG_LEAD_AVR`, `V1` -> `MDC_ECG_LEAD_V1`; other names upper-cased with non-alphanumerics as `_`. */
export function leadCodeFromName(name: string): string {
  return PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
