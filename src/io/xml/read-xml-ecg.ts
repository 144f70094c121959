import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../ecg.js';
import { AECG_RAW_ELEMENTS, readAecg } from '../hl7-aecg/read-aecg.js';
import { MUSE_RAW_ELEMENTS, readMuseXml } from '../muse/read-muse.js';
import { PHILIPS_RAW_ELEMENTS, readPhilipsXml } from '../philips/read-philips.js';
import { parseXml } from './parse-xml.js';
import { decodeXmlText } from './xml-text.js';

/** The XML ECG formats fewbeat reads, by root element (local name). */
const READERS: Record<
  string,
  { raw: readonly string[]; read: (root: import('./parse-xml.js').XmlElement, file: string) => Ecg }
> = {
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
      `XML root element <${rootName ?? '?'}> is not an ECG format fewbeat reads (RestingECG, restingecgdata, AnnotatedECG)`,
      { file },
    );
  }
  const doc = parseXml(text, file, reader.raw);
  return reader.read(doc.root, file);
}

/**
 * The local name of the first element of an XML text, skipping the declaration, comments, processing
 * instructions and a DOCTYPE; undefined when there is none. Cheap: the whole document is parsed only once the
 * format is known.
 */
export function rootElementName(text: string): string | undefined {
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return undefined;
    const close = text.startsWith('<?', lt)
      ? '?>'
      : text.startsWith('<!--', lt)
        ? '-->'
        : text.startsWith('<!', lt)
          ? '>'
          : '';
    if (close === '') {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(lt, lt + 256));
      if (m === null) return undefined;
      const name = m[1]!;
      return name.slice(name.indexOf(':') + 1);
    }
    const end = text.indexOf(close, lt + 2);
    if (end < 0) return undefined;
    i = end + close.length;
  }
}
