/** EDF / EDF+ / BDF reading (docs/data-formats.md, "ECG files"). */
export { parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './header.js';
export { parseTals, type EdfAnnotation } from './tal.js';
export { readEdf, edfToEcg, type EdfRecording, type EdfSignal } from './read-edf.js';
