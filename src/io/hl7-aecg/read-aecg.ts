import { FewbeatError } from '../../errors.js';
import type { Ecg, EcgMetadata } from '../ecg.js';
import { ageInYears, numberOrText, parseNumber, yearsBetween } from '../xml/fields.js';
import { attr, child, children, path, text, type XmlElement } from '../xml/parse-xml.js';
import { hl7SecondsBetween, hl7TimeToIso } from './hl7-time.js';
import { leadNameFromCode } from './lead-codes.js';

/** Elements whose content is a waveform payload (kept as raw text by the XML parser). */
export const AECG_RAW_ELEMENTS = ['digits'] as const;

/** Most samples accepted per sequence (10 minutes at 1 kHz); bounds allocation. */
const MAX_SAMPLES = 600_000;
/** Physical units of an SLIST_PQ origin/scale: how many of them make one mV (a divisor keeps uV values exact). */
const PER_MV: Record<string, number> = { nV: 1e6, uV: 1e3, mV: 1, V: 1e-3 };
/** Units of an increment or relative time -> seconds per unit. */
const TO_S: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6 };

type Annotation = NonNullable<EcgMetadata['annotations']>[number];

/**
 * Read an HL7 v3 annotated ECG (`AnnotatedECG`, urn:hl7-org:v3; HL7 aECG Release 1, ANSI/HL7 V3 ECG R1-2004) as
 * an `Ecg` in mV.
 *
 * Each `series` (and each `derivation/derivedSeries`) holds a `sequenceSet`: one time sequence
 * (`TIME_ABSOLUTE` GLIST_TS or `TIME_RELATIVE` GLIST_PQ, whose `increment` gives the sampling interval) and one
 * SLIST_PQ sequence per lead: value[i] = `origin` + `scale` · digits[i], in the unit of `scale`, lead named by its
 * `MDC_ECG_LEAD_*` code. The first `RHYTHM` series is the returned ECG; a `REPRESENTATIVE_BEAT` series becomes the
 * `median beat` group and any further series further groups.
 *
 * Metadata: age (`Reported Age` LOINC 21612-7 observation, else birth time to the ECG's time), sex
 * (`administrativeGenderCode`), the ECG's time, the device model and maker; annotations with a time region go to
 * `annotations` (times in s from the series' start; a region given only by its end is kept as a point with
 * `:end` added to its code), annotations with a quantity (`MDC_ECG_TIME_PD_QT` 420 ms, ...) to
 * `deviceMeasurements`, and interpretation text to `statements`.
 */
export function readAecg(root: XmlElement, file: string): Ecg {
  const series: Array<{ el: XmlElement; code: string }> = [];
  for (const comp of children(root, 'component')) {
    for (const s of children(comp, 'series')) {
      series.push({ el: s, code: attr(child(s, 'code'), 'code') ?? '' });
      for (const d of children(s, 'derivation')) {
        for (const ds of children(d, 'derivedSeries'))
          series.push({ el: ds, code: attr(child(ds, 'code'), 'code') ?? '' });
      }
    }
  }
  if (series.length === 0) throw new FewbeatError('no component/series element (no waveforms)', { file });
  const mainIndex = Math.max(
    0,
    series.findIndex((s) => s.code === 'RHYTHM'),
  );
  const meta: EcgMetadata = { format: 'hl7-aecg', ...aecgMetadata(root, series[mainIndex]!.el) };
  const measurements: Record<string, number | string> = {};
  const statements: string[] = [];
  const groups: NonNullable<EcgMetadata['groups']> = [];
  let main: Ecg | undefined;
  for (const [i, s] of series.entries()) {
    const where = `series ${i + 1} (${s.code || 'no code'})`;
    const { ecg, head } = readSeries(s.el, file, where);
    const annotations: Annotation[] = [];
    for (const subject of children(s.el, 'subjectOf')) {
      for (const set of children(subject, 'annotationSet')) {
        for (const c of children(set, 'component')) {
          for (const a of children(c, 'annotation')) collectAnnotation(a, head, annotations, measurements, statements);
        }
      }
    }
    if (annotations.length > 0) ecg.meta = { ...ecg.meta, annotations };
    if (i === mainIndex) main = ecg;
    else
      groups.push({ name: s.code === 'REPRESENTATIVE_BEAT' ? 'median beat' : s.code.toLowerCase() || 'series', ecg });
  }
  if (main === undefined) throw new FewbeatError('no rhythm series', { file });
  if (Object.keys(measurements).length > 0) meta.deviceMeasurements = measurements;
  if (statements.length > 0) meta.statements = statements;
  if (groups.length > 0) meta.groups = groups;
  if (main.meta?.annotations) meta.annotations = main.meta.annotations;
  return { ...main, source: file, meta };
}

/** One series' sequenceSet as an Ecg; `head` is its start time (TS), the origin of absolute annotation times. */
function readSeries(series: XmlElement, file: string, where: string): { ecg: Ecg; head: string } {
  const sequences = children(path(series, 'component', 'sequenceSet'), 'component')
    .map((c) => child(c, 'sequence'))
    .filter((s): s is XmlElement => s !== undefined);
  let fs: number | undefined;
  let head = '';
  const leads: string[] = [];
  const signals: Float64Array[] = [];
  for (const seq of sequences) {
    const code = attr(child(seq, 'code'), 'code') ?? '';
    const value = child(seq, 'value');
    if (code === 'TIME_ABSOLUTE' || code === 'TIME_RELATIVE') {
      const inc = child(value, 'increment');
      const step = parseNumber(attr(inc, 'value'), `${where} ${code} increment`, file);
      const unit = attr(inc, 'unit') ?? 's';
      const perUnit = TO_S[unit];
      if (perUnit === undefined || !(step > 0)) {
        throw new FewbeatError(`${where}: time increment ${step} ${unit} is not a positive duration`, { file });
      }
      // 1 / increment; a rate within 1e-9 of an integer is that integer (1/360 s is not a finite decimal).
      const rate = 1 / (step * perUnit);
      fs = Math.abs(rate - Math.round(rate)) < 1e-9 * rate ? Math.round(rate) : rate;
      if (code === 'TIME_ABSOLUTE') head = attr(child(value, 'head'), 'value') ?? '';
      continue;
    }
    const lead = leadNameFromCode(code);
    if (lead === undefined) continue;
    const location = `${where} lead ${lead}`;
    const scaleEl = child(value, 'scale');
    const originEl = child(value, 'origin');
    const scale = parseNumber(attr(scaleEl, 'value'), `${location} scale`, file);
    const origin = originEl === undefined ? 0 : parseNumber(attr(originEl, 'value'), `${location} origin`, file);
    const scaleUnit = attr(scaleEl, 'unit') ?? 'uV';
    const originUnit = attr(originEl, 'unit') ?? scaleUnit;
    const perMv = PER_MV[scaleUnit];
    const originPerMv = PER_MV[originUnit];
    if (perMv === undefined || originPerMv === undefined) {
      throw new FewbeatError(`unsupported unit "${perMv === undefined ? scaleUnit : originUnit}" (nV, uV, mV, V)`, {
        file,
        location,
      });
    }
    // value (mV) = (origin + scale · digit) / (units per mV), the origin first brought to the scale's unit.
    const originInScaleUnit = originUnit === scaleUnit ? origin : (origin / originPerMv) * perMv;
    const digits = parseDigits(text(child(value, 'digits')), file, location);
    const out = new Float64Array(digits.length);
    if (perMv >= 1) for (let i = 0; i < digits.length; i++) out[i] = (originInScaleUnit + digits[i]! * scale) / perMv;
    else for (let i = 0; i < digits.length; i++) out[i] = (originInScaleUnit + digits[i]! * scale) * (1 / perMv);
    leads.push(lead);
    signals.push(out);
  }
  if (fs === undefined) throw new FewbeatError(`${where}: no TIME_ABSOLUTE or TIME_RELATIVE sequence`, { file });
  if (signals.length === 0) throw new FewbeatError(`${where}: no lead sequence (MDC_ECG_LEAD_*)`, { file });
  const n = signals[0]!.length;
  const uneven = signals.findIndex((s) => s.length !== n);
  if (uneven >= 0) {
    throw new FewbeatError(
      `${where}: lead ${leads[uneven]} has ${signals[uneven]!.length} samples, lead ${leads[0]} ${n}`,
      {
        file,
      },
    );
  }
  return { ecg: { fs, leads, signals, units: leads.map(() => 'mV') }, head };
}

/**
 * The integers of a `digits` list (whitespace separated, optional sign). Anything else is an error; the count is
 * bounded before the array is allocated.
 */
export function parseDigits(s: string, file: string, location: string): Float64Array {
  // At most one number per two characters ("1 2 3"): a bound from the text itself, checked before allocating.
  const bound = (s.length + 1) >> 1;
  const out = new Float64Array(Math.min(bound, MAX_SAMPLES + 1));
  let k = 0;
  let i = 0;
  const n = s.length;
  while (i < n) {
    let c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) {
      i++;
      continue;
    }
    const start = i;
    let sign = 1;
    if (c === 45 || c === 43) {
      if (c === 45) sign = -1;
      c = s.charCodeAt(++i);
    }
    let v = 0;
    let digits = 0;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
      c = s.charCodeAt(++i);
    }
    if (digits === 0 || !(i >= n || c === 32 || c === 10 || c === 13 || c === 9)) {
      const token = /^\S*/.exec(s.slice(start, start + 20))?.[0] ?? '';
      throw new FewbeatError(`digit ${k + 1} "${token}" is not an integer`, { file, location });
    }
    if (k === MAX_SAMPLES) throw new FewbeatError(`more than ${MAX_SAMPLES} digits`, { file, location });
    out[k++] = sign * v;
  }
  return out.slice(0, k);
}

/** Walk an annotation and its nested ones (see `readAecg` for where each kind goes). */
function collectAnnotation(
  a: XmlElement,
  head: string,
  annotations: Annotation[],
  measurements: Record<string, number | string>,
  statements: string[],
): void {
  const code = attr(child(a, 'code'), 'code') ?? '';
  const value = child(a, 'value');
  const valueCode = attr(value, 'code');
  const valueType = attr(value, 'type') ?? '';
  if (valueType.endsWith('PQ') && attr(value, 'value') !== undefined && code) {
    measurements[code] = numberOrText(attr(value, 'value') ?? '');
  } else if ((valueType === 'ST' || valueType.endsWith(':ST')) && text(value) !== '') {
    if (/INTERPRETATION|STATEMENT/.test(code) || code === '') statements.push(text(value));
    else measurements[code] = text(value);
  }
  const roi = path(a, 'support', 'supportingROI');
  if (roi !== undefined) {
    let lead: string | undefined;
    let low: number | undefined;
    let high: number | undefined;
    for (const c of children(roi, 'component')) {
      const boundary = child(c, 'boundary');
      const bcode = attr(child(boundary, 'code'), 'code') ?? '';
      const bvalue = child(boundary, 'value');
      const name = leadNameFromCode(bcode);
      if (name !== undefined) lead = name;
      else if (bcode === 'TIME_ABSOLUTE' || bcode === 'TIME_RELATIVE') {
        const t = (el: XmlElement | undefined): number | undefined => {
          const v = attr(el, 'value');
          if (v === undefined) return undefined;
          if (bcode === 'TIME_ABSOLUTE') {
            return hl7SecondsBetween(head, v);
          }
          const perUnit = TO_S[attr(el, 'unit') ?? 's'];
          const x = Number(v);
          return perUnit === undefined || !Number.isFinite(x) ? undefined : x * perUnit;
        };
        const point = t(bvalue);
        low = t(child(bvalue, 'low')) ?? point;
        high = t(child(bvalue, 'high'));
      }
    }
    const name = valueCode ?? code;
    if (low !== undefined) {
      const mark: Annotation = { code: name, startS: low };
      if (high !== undefined) mark.endS = high;
      if (lead !== undefined) mark.lead = lead;
      annotations.push(mark);
    } else if (high !== undefined) {
      const mark: Annotation = { code: `${name}:end`, startS: high };
      if (lead !== undefined) mark.lead = lead;
      annotations.push(mark);
    }
  }
  for (const c of children(a, 'component')) {
    for (const nested of children(c, 'annotation'))
      collectAnnotation(nested, head, annotations, measurements, statements);
  }
}

function aecgMetadata(root: XmlElement, rhythm: XmlElement): EcgMetadata {
  const meta: EcgMetadata = {};
  const when =
    attr(path(root, 'effectiveTime', 'center'), 'value') ?? attr(path(root, 'effectiveTime', 'low'), 'value');
  const acquired = when === undefined ? undefined : hl7TimeToIso(when);
  if (acquired !== undefined) meta.acquired = acquired;
  const person = findFirst(root, 'subjectDemographicPerson');
  const sex = attr(child(person, 'administrativeGenderCode'), 'code');
  if (sex === 'M' || sex === 'F') meta.sex = sex;
  for (const cv of children(root, 'controlVariable')) {
    const obs = child(cv, 'relatedObservation');
    if (attr(child(obs, 'code'), 'code') !== '21612-7') continue;
    const v = child(obs, 'value');
    const years = ageInYears(Number(attr(v, 'value')), attr(v, 'unit') ?? 'a');
    if (years !== undefined) meta.ageYears = years;
  }
  const birth = hl7TimeToIso(attr(child(person, 'birthTime'), 'value') ?? '');
  if (meta.ageYears === undefined && birth !== undefined && acquired !== undefined) {
    const years = yearsBetween(birth, acquired);
    if (years !== undefined) meta.ageYears = years;
  }
  const author = path(rhythm, 'author', 'seriesAuthor');
  const model = text(path(author, 'manufacturedSeriesDevice', 'manufacturerModelName'));
  const maker = text(path(author, 'manufacturerOrganization', 'name'));
  const device = [maker, model].filter((s) => !!s).join(' ');
  if (device) meta.device = device;
  return meta;
}

/** First descendant element named `name` (depth-first, document order). */
function findFirst(el: XmlElement | undefined, name: string, depth = 0): XmlElement | undefined {
  if (el === undefined || depth > 32) return undefined;
  const direct = child(el, name);
  if (direct !== undefined) return direct;
  for (const [k, v] of Object.entries(el)) {
    if (k.startsWith('@_') || k === '#text' || !Array.isArray(v)) continue;
    for (const c of v) {
      const found = findFirst(c, name, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
