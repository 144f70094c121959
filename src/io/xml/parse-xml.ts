import { SaxesParser } from 'saxes';
import { FewbeatError } from '../../errors.js';

/**
 * One XML element: child elements by local name (namespace prefixes removed), always as arrays in document
 * order; attributes as `@_name` strings (names as written, `@_xsi:type`); the element's own text (character data
 * and CDATA, trimmed, predefined entities and character references decoded) as `#text`.
 */
export interface XmlElement {
  [key: string]: XmlElement[] | string | undefined;
}

/** A parsed document: its root element's local name and the element itself. */
export interface XmlDocument {
  rootName: string;
  root: XmlElement;
}

/**
 * Parse XML text safely and return its root element, with saxes (a strict, non-validating XML 1.0 parser, the
 * one jsdom uses): one pass, well-formedness enforced (matching tags, one root, legal characters, attribute
 * syntax), undefined entities rejected.
 *
 * Hostile documents are refused before parsing: a DOCTYPE with an internal subset (`<!DOCTYPE x [ ... ]>`, where
 * entity declarations live: "billion laughs" expansion, external entities reading local files) and any
 * `<!ENTITY` declaration. saxes never expands declared entities nor fetches anything; a DOCTYPE that only names
 * an external DTD (GE MUSE writes `<!DOCTYPE RestingECG SYSTEM "restecg.dtd">`) is accepted and ignored. A
 * document that does not end with its root's closing tag is named truncated.
 *
 * `rawTextElements` (local names, e.g. `digits`) are the large waveform payloads of ECG files: plain text
 * (no `<` or `&`) that is lifted out before parsing (`liftPayloads`) and put back as the elements' text
 * afterwards, so the parser only sees the small rest of the document.
 */
export function parseXml(text: string, file: string, rawTextElements: readonly string[] = []): XmlDocument {
  refuseEntityDeclarations(text, file);
  const declaredRoot = rootElementName(text);
  if (declaredRoot === undefined) throw new FewbeatError('no root element (not an XML document)', { file });
  if (!endsWithClosingTag(text, declaredRoot)) {
    throw new FewbeatError(`truncated: the document does not end with </${declaredRoot}>`, { file });
  }
  const lifted = liftPayloads(text, rawTextElements);
  const top: XmlElement = {};
  const stack: XmlElement[] = [top];
  let rootName: string | undefined;
  let tooDeep: FewbeatError | undefined;
  const parser = new SaxesParser({ xmlns: false, position: true });
  parser.on('opentag', (tag) => {
    if (stack.length > MAX_DEPTH) {
      tooDeep = new FewbeatError(`elements nested deeper than ${MAX_DEPTH}`, { file, location: `line ${parser.line}` });
      throw tooDeep;
    }
    const el: XmlElement = {};
    for (const [k, v] of Object.entries(tag.attributes)) el[`@_${k}`] = v;
    const name = localName(tag.name);
    if (stack.length === 1) rootName ??= name;
    const parent = stack[stack.length - 1]!;
    const list = parent[name];
    if (Array.isArray(list)) list.push(el);
    else parent[name] = [el];
    stack.push(el);
  });
  const addText = (t: string): void => {
    const el = stack[stack.length - 1]!;
    if (stack.length > 1) el['#text'] = (typeof el['#text'] === 'string' ? el['#text'] : '') + t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const el = stack.pop()!;
    const t = el['#text'];
    if (typeof t === 'string') el['#text'] = t.trim();
  });
  parser.on('error', (e) => {
    throw e;
  });
  try {
    parser.write(lifted.text).close();
  } catch (e) {
    if (tooDeep !== undefined) throw tooDeep;
    const msg = firstLine(e instanceof Error ? e.message : String(e));
    const at = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/.exec(msg);
    throw new FewbeatError(`not well-formed XML: ${at ? at[3] : msg}`, {
      file,
      location: at ? `line ${at[1]}` : undefined,
    });
  }
  const root = rootName === undefined ? undefined : children(top, rootName)[0];
  if (rootName === undefined || root === undefined)
    throw new FewbeatError('no root element (not an XML document)', { file });
  if (lifted.payloads.length > 0) restorePayloads(root, new Set(rawTextElements), lifted.payloads);
  return { rootName, root };
}

/** Deepest element nesting accepted (ECG exports need about 20; bounds the readers' recursive walks). */
const MAX_DEPTH = 256;

function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

/** Marker left as an element's text in place of a lifted payload: `\u{E000}` (private use) and its index. */
const PAYLOAD_MARK = '\u{E000}';

/**
 * Cut the content of each `<name ...>content</name>` (local names from `names`, any prefix) out of the text,
 * leaving a marker: `<digits>1 2 3</digits>` -> `<digits>\u{E000}0</digits>`. Content holding `<` or `&` (not
 * plain text) or a marker already is left in place for the parser. Linear in the text length.
 */
function liftPayloads(text: string, names: readonly string[]): { text: string; payloads: string[] } {
  if (names.length === 0) return { text, payloads: [] };
  const payloads: string[] = [];
  const parts: string[] = [];
  let copied = 0;
  const opening = new RegExp(`<((?:[A-Za-z_][\\w.-]*:)?(?:${names.join('|')}))(?=[\\s>/])[^>]*>`, 'g');
  let m: RegExpExecArray | null;
  while ((m = opening.exec(text)) !== null) {
    if (m[0].endsWith('/>')) continue;
    const start = m.index + m[0].length;
    const end = text.indexOf(`</${m[1]}`, start);
    if (end < 0) break;
    const content = text.slice(start, end);
    opening.lastIndex = end;
    if (content.includes('<') || content.includes('&') || content.includes(PAYLOAD_MARK)) continue;
    // The marker keeps the payload's line breaks so that error lines stay true.
    let lines = 0;
    for (let i = content.indexOf('\n'); i >= 0; i = content.indexOf('\n', i + 1)) lines++;
    parts.push(text.slice(copied, start), PAYLOAD_MARK + payloads.length + '\n'.repeat(lines));
    payloads.push(content);
    copied = end;
  }
  if (payloads.length === 0) return { text, payloads: [] };
  parts.push(text.slice(copied));
  return { text: parts.join(''), payloads };
}

/** Put lifted payloads back as the text of their elements (see `liftPayloads`). */
function restorePayloads(el: XmlElement, names: Set<string>, payloads: string[]): void {
  for (const [key, value] of Object.entries(el)) {
    if (!Array.isArray(value)) continue;
    for (const c of value) {
      const t = c['#text'];
      if (names.has(key) && typeof t === 'string' && t.startsWith(PAYLOAD_MARK)) {
        const payload = payloads[Number(t.slice(PAYLOAD_MARK.length).trim())];
        if (payload !== undefined) c['#text'] = payload;
      } else restorePayloads(c, names, payloads);
    }
  }
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

/** Refuse a DOCTYPE internal subset and entity declarations (see `parseXml`). */
function refuseEntityDeclarations(text: string, file: string): void {
  const doctype = text.indexOf('<!DOCTYPE');
  if (doctype >= 0) {
    const close = text.indexOf('>', doctype);
    const bracket = text.indexOf('[', doctype);
    if (bracket >= 0 && (close < 0 || bracket < close)) {
      throw new FewbeatError('refused: the DOCTYPE has an internal subset (entity declarations are not accepted)', {
        file,
      });
    }
  }
  if (text.includes('<!ENTITY')) {
    throw new FewbeatError('refused: the document declares entities (<!ENTITY), which are not accepted', { file });
  }
}

/** True when the text ends (after trailing whitespace, comments and processing instructions) with `</root>`. */
function endsWithClosingTag(text: string, rootLocalName: string): boolean {
  let end = text.length;
  for (;;) {
    while (end > 0 && /\s/.test(text[end - 1] ?? '')) end--;
    if (text.endsWith('-->', end)) {
      const open = text.lastIndexOf('<!--', end - 3);
      if (open < 0) return false;
      end = open;
    } else if (text.endsWith('?>', end)) {
      const open = text.lastIndexOf('<?', end - 2);
      if (open < 0) return false;
      end = open;
    } else break;
  }
  const open = text.lastIndexOf('</', end);
  if (open < 0) return false;
  const name = text.slice(open + 2, end - 1).trim();
  return text[end - 1] === '>' && (name === rootLocalName || name.endsWith(`:${rootLocalName}`));
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Child elements named `name` (local name), in document order. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  const v = el?.[name];
  return Array.isArray(v) ? v : [];
}

/** The first child element named `name`, if any. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return children(el, name)[0];
}

/** The first element along a path of child names (`path(root, 'a', 'b')` = first `b` in first `a`). */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** An element's own text, trimmed ('' when it has none). */
export function text(el: XmlElement | undefined): string {
  const t = el?.['#text'];
  return typeof t === 'string' ? t : '';
}

/** An attribute's value, if present. */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (el === undefined) return undefined;
  const v = el[`@_${name}`];
  if (typeof v === 'string') return v;
  // A prefixed attribute (`xsi:type`) when prefixes were kept.
  for (const key in el) {
    if (key.startsWith('@_') && key.endsWith(`:${name}`)) {
      const p = el[key];
      return typeof p === 'string' ? p : undefined;
    }
  }
  return undefined;
}

/** All child element names of an element (attributes and text left out), in first-seen order. */
export function childNames(el: XmlElement): string[] {
  return Object.keys(el).filter((k) => !k.startsWith('@_') && k !== '#text');
}
