import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clinicalBytes, clinicalPath } from '../../test-utils/clinical-formats.js';
import { rootElementName } from './parse-xml.js';
import { readXmlEcg } from './read-xml-ecg.js';
import { looksLikeXml } from './xml-text.js';

const MINIMUM = readFileSync(clinicalPath('hl7-aecg/fda-minimum_aecg.xml')!, 'utf8');
const BODY = MINIMUM.slice(MINIMUM.indexOf('<AnnotatedECG'));

/** UTF-16 bytes of a string, little- or big-endian, with or without a byte-order mark. */
function utf16(s: string, bigEndian: boolean, bom: boolean): Uint8Array {
  const le = Buffer.from((bom ? '\ufeff' : '') + s, 'utf16le');
  if (bigEndian) le.swap16();
  return new Uint8Array(le);
}

describe('readXmlEcg: encodings and dispatch', () => {
  it('reads the same aECG from UTF-8 (with and without BOM), UTF-16LE and UTF-16BE (BOM or none)', () => {
    const want = readXmlEcg(Buffer.from(MINIMUM), 'a.xml').signals[0];
    const variants = [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(MINIMUM)]),
      utf16(BODY, false, true),
      utf16(BODY, true, true),
      utf16(BODY, false, false),
      utf16(BODY, true, false),
    ];
    for (const v of variants) expect(readXmlEcg(v, 'a.xml').signals[0]).toEqual(want);
  });

  it('decodes ISO-8859-1 text as the XML declaration says', () => {
    const xml =
      `<?xml version="1.0" ` +
      `encoding="ISO-8859-1"?>\n${BODY.replace('<code code="93000"', '<!-- Müller --><code code="93000"')}`;
    expect(readXmlEcg(Buffer.from(xml, 'latin1'), 'l.xml').leads).toEqual(['II']);
  });

  it('reads an aECG whose elements carry a namespace prefix', () => {
    const prefixed = BODY.replace(/<(\/?)([A-Za-z])/g, '<$1v3:$2').replace(
      'xmlns="urn:hl7-org:v3"',
      'xmlns:v3="urn:hl7-org:v3"',
    );
    expect(prefixed).toContain('<v3:digits>');
    const ecg = readXmlEcg(Buffer.from(prefixed), 'p.xml');
    expect(ecg.leads).toEqual(['II']);
    expect(ecg.signals[0]).toEqual(readXmlEcg(Buffer.from(MINIMUM), 'a.xml').signals[0]);
  });

  it('tells XML content from other files for sniffing', () => {
    expect(looksLikeXml(Buffer.from(MINIMUM))).toBe(true);
    expect(looksLikeXml(utf16(BODY, false, true))).toBe(true);
    expect(looksLikeXml(utf16(BODY, true, true))).toBe(true);
    expect(looksLikeXml(utf16(BODY, true, false))).toBe(true);
    expect(looksLikeXml(clinicalBytes('philips-sierra/3191723_ZZDEMOPTONLY_1-04_orig.xml'))).toBe(true);
    expect(looksLikeXml(Buffer.from('\r\n  <?xml version="1.0"?><a/>'))).toBe(true);
    expect(looksLikeXml(Buffer.from('0 1 2\n'))).toBe(false);
    expect(looksLikeXml(Buffer.from('DICM'))).toBe(false);
    expect(looksLikeXml(new Uint8Array(0))).toBe(false);
  });

  it('finds the root element past the declaration, comments and a DOCTYPE', () => {
    expect(rootElementName('<?xml version="1.0"?><!-- x --><!DOCTYPE R SYSTEM "r.dtd">\n<ns:RestingECG a="1">')).toBe(
      'RestingECG',
    );
  });

  it('names an XML root element it does not read', () => {
    expect(() => readXmlEcg(Buffer.from('<?xml version="1.0"?><svg></svg>'), 'pic.svg')).toThrow(
      'pic.svg: XML root element <svg> is not an ECG format fewbeat reads (RestingECG, restingecgdata, AnnotatedECG)',
    );
  });

  it('refuses invalid UTF-8 and an unknown declared encoding', () => {
    expect(() => readXmlEcg(Uint8Array.from([0x3c, 0x61, 0xff, 0x3e]), 'u.xml')).toThrow('u.xml: not valid UTF-8 text');
    expect(() => readXmlEcg(Buffer.from('<?xml version="1.0" encoding="EBCDIC"?><a/>'), 'e.xml')).toThrow(
      'e.xml: unsupported character encoding "ebcdic" (supported: UTF-8, UTF-16, ISO-8859-1)',
    );
  });
});

describe('readXmlEcg: hostile and broken files', () => {
  it('refuses a billion-laughs document before expanding anything', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE AnnotatedECG [',
      ' <!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
      ']>',
      '<AnnotatedECG>&lol9;</AnnotatedECG>',
    ].join('\n');
    const t0 = performance.now();
    expect(() => readXmlEcg(Buffer.from(lol), 'lol.xml')).toThrow(
      'lol.xml: refused: the DOCTYPE has an internal subset (entity declarations are not accepted)',
    );
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('refuses an external entity (no file is read)', () => {
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE AnnotatedECG [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
      '<AnnotatedECG>&xxe;</AnnotatedECG>';
    expect(() => readXmlEcg(Buffer.from(xxe), 'xxe.xml')).toThrow(
      'xxe.xml: refused: the DOCTYPE has an internal subset',
    );
  });

  it('refuses an undeclared entity reference instead of resolving it, naming its line', () => {
    const xml = BODY.replace('<code code="93000"', '<title>&xxe;</title><code code="93000"');
    expect(() => readXmlEcg(Buffer.from(xml), 'ent.xml')).toThrow(
      'ent.xml: line 5: not well-formed XML: undefined entity.',
    );
  });

  it('decodes the predefined entities and character references in text', () => {
    const xml = BODY.replace('<code code="93000"', '<code code="93000" displayName="a &amp; b &#x3C; c"');
    expect(readXmlEcg(Buffer.from(xml), 'amp.xml').leads).toEqual(['II']);
  });

  it('names a truncated file', () => {
    const bytes = clinicalBytes('philips-sierra/129DYPRG.XML');
    expect(() => readXmlEcg(bytes.subarray(0, 30_000), '129DYPRG.XML')).toThrow(
      '129DYPRG.XML: truncated: the document does not end with </restingecgdata>',
    );
    expect(() => readXmlEcg(Buffer.from(BODY.slice(0, BODY.length - 20)), 'cut.xml')).toThrow(
      'cut.xml: truncated: the document does not end with </AnnotatedECG>',
    );
  });

  it('refuses elements nested absurdly deep (a stack-exhaustion attempt) in bounded time', () => {
    const deep =
      `<AnnotatedECG>${'<component><annotation>'.repeat(50_000)}` +
      `${'</annotation></component>'.repeat(50_000)}</AnnotatedECG>`;
    expect(() => readXmlEcg(Buffer.from(deep), 'deep.xml')).toThrow(
      'deep.xml: line 1: elements nested deeper than 256',
    );
  });

  it('names malformed XML with its line', () => {
    expect(() => readXmlEcg(Buffer.from('<AnnotatedECG><a></b></AnnotatedECG>'), 'm.xml')).toThrow(
      /^m\.xml: line 1: not well-formed XML: /,
    );
  });

  it('refuses a Philips XLI chunk that claims more bytes than the file holds', () => {
    const xml = Buffer.from(clinicalBytes('philips-sierra/129DYPRG.XML')).toString('utf8');
    const start = xml.indexOf('>', xml.indexOf('<parsedwaveforms')) + 1;
    const end = xml.indexOf('</parsedwaveforms>');
    const payload = Buffer.from(xml.slice(start, end), 'base64');
    payload.writeInt32LE(0x7fffffff, 0);
    const bad = xml.slice(0, start) + payload.toString('base64') + xml.slice(end);
    expect(() => readXmlEcg(Buffer.from(bad), '129.xml')).toThrow(
      /^129\.xml: XLI chunk 1 at byte 0: truncated XLI data: the chunk declares 2147483647 bytes, \d+ remain$/,
    );
  });

  it('refuses a Philips file whose base64 payload is cut short', () => {
    const xml = Buffer.from(clinicalBytes('philips-sierra/129DYPRG.XML')).toString('utf8');
    const end = xml.indexOf('</parsedwaveforms>');
    const bad = xml.slice(0, end - 3) + xml.slice(end);
    expect(() => readXmlEcg(Buffer.from(bad), '129.xml')).toThrow(/^129\.xml: parsedwaveforms: truncated base64 data/);
  });

  it('gives a one-line error, never a crash, for every prefix and many corruptions of a Philips file', () => {
    const bytes = clinicalBytes('philips-sierra/129DYPRG.XML');
    const xml = Buffer.from(bytes).toString('utf8');
    const start = xml.indexOf('>', xml.indexOf('<parsedwaveforms')) + 1;
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let trial = 0; trial < 40; trial++) {
      const corrupt = Buffer.from(bytes);
      // Flip base64 characters inside the waveform payload (keeps the XML well-formed).
      for (let j = 0; j < 3; j++) {
        const at = start + (next() % 20_000);
        if (/[A-Za-z0-9+/]/.test(String.fromCharCode(corrupt[at]!)))
          corrupt[at] = 'ABCDEFGHwxyz0129+/'.charCodeAt(next() % 18);
      }
      try {
        readXmlEcg(corrupt, 'c.xml');
      } catch (e) {
        expect((e as Error).name, String(e)).toBe('FewbeatError');
        expect((e as Error).message).not.toContain('\n');
      }
    }
    for (let cut = 100; cut < bytes.length; cut += 4999) {
      expect(() => readXmlEcg(bytes.subarray(0, cut), 'p.xml')).toThrow(/^p\.xml: /);
    }
  });
});
