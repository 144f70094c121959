import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clinicalBytes } from '../test-utils/clinical-formats.js';
import { FIXTURE_REAL, REPO_ROOT } from '../test-utils/real-data.js';
import { detectFormat } from './detect-format.js';
import { readDicomEcg } from './dicom/read-dicom-ecg.js';

const bytesOf = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

describe('detectFormat', () => {
  it('recognises the real files of every format by their content', () => {
    expect(detectFormat(bytesOf(join(FIXTURE_REAL, 'mitdb/200.hea')))).toBe('wfdb');
    expect(detectFormat(bytesOf(join(FIXTURE_REAL, 'challenge2020/E00009.hea')))).toBe('wfdb');
    expect(detectFormat(bytesOf(join(REPO_ROOT, 'test/fixtures/edf/ecg-3lead-edfplus.edf')))).toBe('edf');
    expect(detectFormat(bytesOf(join(REPO_ROOT, 'test/fixtures/edf/ecg-bdfplus.bdf')))).toBe('edf');
    expect(detectFormat(bytesOf(join(REPO_ROOT, 'test/fixtures/csv/three-leads-200hz.csv')))).toBe('csv');
    expect(detectFormat(clinicalBytes('dicom/waveform_ecg.dcm'))).toBe('dicom');
    expect(detectFormat(clinicalBytes('dicom/ecgtoolkit-Example.dcm'))).toBe('dicom');
    expect(detectFormat(clinicalBytes('scp-ecg/ecgtoolkit-Example.scp'))).toBe('scp-ecg');
    expect(detectFormat(clinicalBytes('scp-ecg/welchallyn-ECG_20170504_163507_ANON000009.SCP'))).toBe('scp-ecg');
  });

  it('recognises and reads a DICOM data set without the preamble and file meta group', () => {
    const dcm = clinicalBytes('dicom/ecgtoolkit-Example.dcm');
    // skip preamble, DICM and the file meta group (explicit VR, group 0002): the implicit-VR data set follows
    let p = 132;
    while (dcm[p] === 0x02 && dcm[p + 1] === 0x00) {
      const vr = String.fromCharCode(dcm[p + 4]!, dcm[p + 5]!);
      const dv = new DataView(dcm.buffer, dcm.byteOffset);
      p += ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr) ? 12 + dv.getUint32(p + 8, true) : 8 + dv.getUint16(p + 6, true);
    }
    const raw = dcm.subarray(p);
    expect(raw[0]).toBe(0x08);
    expect(detectFormat(raw)).toBe('dicom');
    expect(readDicomEcg(raw, 'raw').signals).toEqual(readDicomEcg(dcm, 'full').signals);
  });

  it('recognises XML with a declaration, a byte order mark or UTF-16', () => {
    const enc = new TextEncoder();
    expect(detectFormat(enc.encode('<?xml version="1.0"?>\n<RestingECG/>'))).toBe('xml');
    expect(detectFormat(enc.encode('\uFEFF  <AnnotatedECG xmlns="urn:hl7-org:v3"/>'))).toBe('xml');
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('<?xml?>', (c) => [c.charCodeAt(0), 0]).flat()]);
    expect(detectFormat(utf16)).toBe('xml');
  });

  it('recognises no format in other text or binary data', () => {
    expect(detectFormat(bytesOf(join(REPO_ROOT, 'package.json')))).toBeNull();
    expect(detectFormat(new TextEncoder().encode('just a note\n'))).toBeNull();
    expect(detectFormat(new Uint8Array([1, 2, 3, 0, 255, 9, 9, 9]))).toBeNull();
    expect(detectFormat(new Uint8Array(0))).toBeNull();
  });
});
