import type { Ecg } from '../ecg.js';
import type { XmlElement } from '../xml/parse-xml.js';
export const AECG_RAW_ELEMENTS = ['digits'] as const;
export function readAecg(_root: XmlElement, _file: string): Ecg {
  throw new Error('todo');
}
