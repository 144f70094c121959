import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../ecg.js';
import { AECG_RAW_ELEMENTS, readAecg } from '../hl7-aecg/read-aecg.js';
import { MUSE_RAW_ELEMENTS, readMuseXml } from '../muse/read-muse.js';
import { PHILIPS_RAW_ELEMENTS, readPhilipsXml } from '../philips/read-philips.js';
import { parseXml, rootElementName, type XmlElement } from './parse-xml.js';
import { decodeXmlText } from './xml-text.js';

/** The XML ECG formats fewbeat reads, by root element (local name). */
const READERS: Record<string, { raw: readonly string[]; read: (root: XmlElement, file: string) => Ecg }> = {
  RestingECG: { raw: MUSE_RAW_ELEMENTS, read: readMuseXml },
  restingecgdata: { raw: PHILIPS_RAW_ELEMENTS, read: readPhilipsXml },
  AnnotatedECG: { raw: AECG_RAW_ELEMENTS, read: readAecg },
};

/**
 * Read an XML ECG export: GE MUSE (`RestingECG`), Philips Sierra / PageWriter (`restingecgdata`) or HL7 aECG
 * (`AnnotatedECG`). The text is decoded from the byte-order mark or the XML declaration (UTF-8, UTF-16,
 * ISO-8859-1), the root element chooses the reader, and the result is an `Ecg` in mV. Hostile or broken files
 * (entity declarations, malformed or truncated XML, bad payloads) throw a one-line `FewbeatError`.
 */
export function readXmlEcg(bytes: Uint8Array, file: string): Ecg {
  const text = decodeXmlText(bytes, file);
  const rootName = rootElementName(text);
  const reader = rootName === undefined ? undefined : READERS[rootName];
  if (reader === undefined) {
    throw new FewbeatError(
      `XML root element <${rootName ?? '?'}> is not an ECG format fewbeat ` +
        `reads (RestingECG, restingecgdata, AnnotatedECG)`,
      { file },
    );
  }
  const doc = parseXml(text, file, reader.raw);
  return reader.read(doc.root, file);
}
