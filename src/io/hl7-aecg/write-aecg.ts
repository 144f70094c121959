import { randomUUID } from 'node:crypto';
import { FewbeatError } from '../../errors.js';
import type { Ecg } from '../ecg.js';
import { encodeLead } from './exact-scale.js';
import { leadCodeFromName } from './lead-codes.js';

/** Physical units an Ecg may carry, in units per mV. */
const PER_MV: Record<string, number> = { mV: 1, uV: 1000, µV: 1000, V: 0.001 };
/** HL7 code systems used in the document. */
const ACT_CODE = '2.16.840.1.113883.5.4';
const MDC = '2.16.840.1.113883.6.24';
/** Start time written when the Ecg does not say when it was recorded (the HL7 ballot example's). */
const DEFAULT_TIME = '20000101000000.000';

export interface WriteAecgOptions {
  /** Document id (a UUID); a random one when absent. */
  id?: string;
}

/**
 * Write an `Ecg` as an HL7 v3 annotated ECG (aECG, `AnnotatedECG` in urn:hl7-org:v3), UTF-8 text: one `RHYTHM`
 * series (TIME_ABSOLUTE with `increment` 1/fs s, one SLIST_PQ sequence per lead with `MDC_ECG_LEAD_*` codes), a
 * `REPRESENTATIVE_BEAT` derived series for a `median beat` group, and the patient's age (LOINC 21612-7
 * "Reported Age") and sex (`administrativeGenderCode`) when known. Each lead's scale is chosen so that
 * `readAecg` gives back the same float64 values (see `encodeLead`); digits are integers.
 *
 * Not written: other groups, annotations, statements and device measurements.
 */
export function writeAecg(ecg: Ecg, opts: WriteAecgOptions = {}): string {
  const meta = ecg.meta ?? {};
  const start = meta.acquired ? isoToHl7(meta.acquired) : DEFAULT_TIME;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    '<AnnotatedECG xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" type="Observation">',
  );
  out.push(`  <id root="${esc(opts.id ?? randomUUID())}"/>`);
  out.push('  <code code="93000" codeSystem="2.16.840.1.113883.6.12" codeSystemName="CPT-4"/>');
  out.push(`  <effectiveTime><center value="${start}"/></effectiveTime>`);
  if (meta.sex !== undefined) {
    out.push(
      '  <componentOf><timepointEvent><componentOf><subjectAssignment><subject><trialSubject>',
      `    <subjectDemographicPerson><administrativeGenderCode ` +
        `code="${meta.sex}" codeSystem="2.16.840.1.113883.5.1"/></subjectDemographicPerson>`,
      '  </trialSubject></subject></subjectAssignment></componentOf></timepointEvent></componentOf>',
    );
  }
  if (meta.ageYears !== undefined && Number.isFinite(meta.ageYears)) {
    out.push(
      '  <controlVariable><relatedObservation>',
      '    <code code="21612-7" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC" displayName="Reported Age"/>',
      `    <value xsi:type="PQ" value="${meta.ageYears}" unit="a"/>`,
      '  </relatedObservation></controlVariable>',
    );
  }
  out.push('  <component>', '    <series>', `      <code code="RHYTHM" codeSystem="${ACT_CODE}"/>`);
  if (meta.device) {
    out.push(
      '      <author><seriesAuthor><manufacturedSeriesDevice>',
      `        <manufacturerModelName>${esc(meta.device)}</manufacturerModelName>`,
      '      </manufacturedSeriesDevice></seriesAuthor></author>',
    );
  }
  sequenceSet(out, ecg, 'TIME_ABSOLUTE', start, '      ');
  const beat = meta.groups?.find((g) => g.name === 'median beat');
  if (beat !== undefined) {
    out.push(
      '      <derivation>',
      '        <derivedSeries>',
      `          <code code="REPRESENTATIVE_BEAT" codeSystem="${ACT_CODE}"/>`,
    );
    sequenceSet(out, beat.ecg, 'TIME_RELATIVE', '0', '          ');
    out.push('        </derivedSeries>', '      </derivation>');
  }
  out.push('    </series>', '  </component>', '</AnnotatedECG>', '');
  return out.join('\n');
}

function sequenceSet(
  out: string[],
  ecg: Ecg,
  time: 'TIME_ABSOLUTE' | 'TIME_RELATIVE',
  head: string,
  pad: string,
): void {
  const where = { file: ecg.source };
  if (!(ecg.fs > 0) || !Number.isFinite(ecg.fs))
    throw new FewbeatError(`sampling rate ${ecg.fs} Hz is not valid`, where);
  out.push(`${pad}<component>`, `${pad}  <sequenceSet>`);
  const headValue = time === 'TIME_ABSOLUTE' ? `<head value="${head}"/>` : `<head value="${head}" unit="s"/>`;
  out.push(
    `${pad}    <component><sequence>`,
    `${pad}      <code code="${time}" codeSystem="${ACT_CODE}"/>`,
    `${pad}      <value xsi:type="${time === 'TIME_ABSOLUTE' ? 'GLIST_TS' : 'GLIST_PQ'}">${headValue}` +
      `<increment value="${1 / ecg.fs}" unit="s"/></value>`,
    `${pad}    </sequence></component>`,
  );
  for (const [i, lead] of ecg.leads.entries()) {
    const unit = ecg.units[i] ?? 'mV';
    const perMv = PER_MV[unit];
    if (perMv === undefined)
      throw new FewbeatError(`lead ${lead}: unit "${unit}" cannot be written (mV, uV, V)`, where);
    const raw = ecg.signals[i]!;
    const bad = raw.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new FewbeatError(
        `lead ${lead}: sample ${bad} is ${raw[bad]}; aECG digits cannot hold invalid samples`,
        where,
      );
    }
    const mv = perMv === 1 ? raw : raw.map((v) => v / perMv);
    const enc = encodeLead(mv);
    out.push(
      `${pad}    <component><sequence>`,
      `${pad}      <code code="${leadCodeFromName(lead)}" codeSystem="${MDC}" codeSystemName="MDC"/>`,
      `${pad}      <value xsi:type="SLIST_PQ">`,
      `${pad}        <origin value="0" unit="${enc.unit}"/>`,
      `${pad}        <scale value="${enc.scale}" unit="${enc.unit}"/>`,
      `${pad}        <digits>${digitLines(enc.digits)}</digits>`,
      `${pad}      </value>`,
      `${pad}    </sequence></component>`,
    );
  }
  out.push(`${pad}  </sequenceSet>`, `${pad}</component>`);
}

/** Digits separated by spaces, 20 to a line. */
function digitLines(d: Float64Array): string {
  const parts: string[] = [];
  for (let i = 0; i < d.length; i += 20) parts.push(Array.from(d.subarray(i, i + 20), (x) => x.toFixed(0)).join(' '));
  return parts.join('\n');
}

/** ISO 8601 (`2019-03-14T09:41:07.5`) -> HL7 TS (`20190314094107.5`); the default time when it does not parse. */
function isoToHl7(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?/.exec(iso);
  if (m === null) return DEFAULT_TIME;
  return `${m[1]}${m[2]}${m[3]}${m[4] ?? '00'}${m[5] ?? '00'}${m[6] ?? '00'}`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
