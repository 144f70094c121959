import { readDicomEcg } from './dicom/read-dicom-ecg.js';
import type { Ecg } from './ecg.js';
import { readScpEcg } from './scp-ecg/read-scp-ecg.js';
import { readXmlEcg } from './xml/read-xml-ecg.js';

/** The formats read from a whole file's bytes (WFDB, EDF and CSV have their own path-based readers). */
export type WholeFileFormat = 'dicom' | 'scp-ecg' | 'xml';

/**
 * The reader of each whole-file format: bytes and the file's name (for error messages) in, `Ecg` out. The format
 * comes from `detectFormat`, never from the file name. Adding a format is adding its entry here.
 */
export const WHOLE_FILE_READERS: Record<WholeFileFormat, (bytes: Uint8Array, file: string) => Ecg> = {
  dicom: readDicomEcg,
  'scp-ecg': readScpEcg,
  xml: readXmlEcg,
};
