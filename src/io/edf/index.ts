/** EDF / EDF+ / BDF reading (README "EDF and CSV waveforms"). */
export { parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './header.js';
export { parseTals, type EdfAnnotation } from './tal.js';
export { readEdf, edfToEcg, type EdfRecording, type EdfSignal } from './read-edf.js';
