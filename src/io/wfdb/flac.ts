import { readFileSync } from 'node:fs';
import type { FLACDecoder } from '@wasm-audio-decoders/flac';
import { FewbeatError } from '../../errors.js';
import type { WfdbSignalSpec } from './header.js';

/**
 * WFDB FLAC signal files (formats 508, 516, 524; WFDB 10.7): the file is one FLAC stream whose
 * channels are the file's signals, each signal's samples in order (all signals of the file have the
 * same samples per frame), 8, 16 or 24 bits.
 *
 * Decoding uses the libFLAC WebAssembly build `@wasm-audio-decoders/flac`, which is asynchronous
 * and returns floating-point PCM f = d / (2^(b−1) − 1). The integers are recovered exactly as
 * d = round(f · (2^(b−1) − 1)): f is a float32 with a 24-bit significand, so for b ≤ 24 its rounding
 * error is at most half a unit in the last place, ≤ 0.25 of one integer step for |f| < 1 (and
 * < 0.5 for the one value −2^(b−1), the invalid-sample sentinel, where |f| is just above 1).
 */
export const FLAC_BITS: Readonly<Record<string, number>> = { '508': 8, '516': 16, '524': 24 };

/**
 * One decoder instance, reused (instantiating the WebAssembly module costs more than decoding a
 * small file); calls are queued so that decodes never interleave. `decodeFile` resets the decoder
 * after each file; a decoder that threw is dropped.
 */
let sharedDecoder: Promise<FLACDecoder> | null = null;
let queue: Promise<unknown> = Promise.resolve();

function withDecoder<T>(use: (decoder: FLACDecoder) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    sharedDecoder ??= (async () => {
      // Loaded on first use: most records are not FLAC, and the module carries a WebAssembly build.
      const { FLACDecoder: Decoder } = await import('@wasm-audio-decoders/flac');
      const d = new Decoder();
      await d.ready;
      return d;
    })();
    const decoder = await sharedDecoder.catch((e: unknown) => {
      sharedDecoder = null;
      throw e;
    });
    try {
      return await use(decoder);
    } catch (e) {
      sharedDecoder = null;
      decoder.free();
      throw e;
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** Largest FLAC file decoded (bytes). */
const MAX_FLAC_BYTES = 1 << 30;
/** Most samples per signal decoded when the header does not declare the record's length (2^27, as one read). */
const MAX_FLAC_SAMPLES = 2 ** 27;
/**
 * Bytes of FLAC fed to the decoder at a time: decoding stops as soon as the output passes its
 * limit, so a chunk bounds the overshoot. A constant block of 65,535 samples takes 15 bytes, so
 * 256 bytes decode to at most about 1.1 million samples per channel (4.5 MB as float32).
 */
const FLAC_CHUNK_BYTES = 256;

/**
 * STREAMINFO's total samples per channel (RFC 9639 §8.2: 36 bits at bit 4 of byte 21, counting
 * the 'fLaC' marker and the 4-byte block header), 0 when the encoder did not know it.
 */
function declaredTotalSamples(bytes: Uint8Array): number {
  if (bytes.length < 26) return 0;
  return ((bytes[21] as number) & 0x0f) * 2 ** 32 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(22);
}

/**
 * Decode in chunks, throwing as soon as more than `max` samples per channel come out: a FLAC
 * stream of constant blocks expands about 8,000-fold (a 32 kB file to 131 million samples), so
 * its declared length, not its size, must bound what is decoded.
 */
async function decodeBounded(
  decoder: FLACDecoder,
  bytes: Uint8Array,
  max: number,
  path: string,
): Promise<Awaited<ReturnType<FLACDecoder['decodeFile']>>> {
  const parts: Float32Array[][] = [];
  const errors: Awaited<ReturnType<FLACDecoder['decodeFile']>>['errors'] = [];
  let total = 0;
  let bitDepth = 0;
  let channels = 0;
  const take = (d: Awaited<ReturnType<FLACDecoder['decode']>>): void => {
    errors.push(...d.errors);
    if (d.samplesDecoded === 0) return;
    total += d.samplesDecoded;
    bitDepth = d.bitDepth;
    channels = d.channelData.length;
    if (total > max)
      throw new FewbeatError(`FLAC stream decodes to more than the ${max} samples per signal its header declares`, {
        file: path,
      });
    parts.push(d.channelData.map((c) => c.slice(0, d.samplesDecoded)));
  };
  try {
    for (let off = 0; off < bytes.length && errors.length === 0; off += FLAC_CHUNK_BYTES)
      take(await decoder.decode(bytes.subarray(off, off + FLAC_CHUNK_BYTES)));
    if (errors.length === 0) take(await decoder.flush());
  } finally {
    await decoder.reset();
  }
  const channelData = Array.from({ length: channels }, (_, c) => {
    const out = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p[c] as Float32Array, at);
      at += (p[c] as Float32Array).length;
    }
    return out;
  });
  return { channelData, samplesDecoded: total, sampleRate: 0, bitDepth, errors };
}

/**
 * Decode a FLAC signal file to one Int32Array per signal (every stored sample, in order).
 * `signals` are the header's signal lines for this file, in order.
 */
export async function decodeFlacSignalFile(
  path: string,
  signals: WfdbSignalSpec[],
  maxSamplesPerSignal: number = MAX_FLAC_SAMPLES,
): Promise<Int32Array[]> {
  const fmt = (signals[0] as WfdbSignalSpec).fmt;
  const bits = FLAC_BITS[fmt];
  if (bits === undefined) throw new FewbeatError(`format ${fmt} is not a FLAC format`, { file: path });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FewbeatError(`cannot read signal file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: path,
      cause: e,
    });
  }
  if (bytes.length > MAX_FLAC_BYTES) throw new FewbeatError('FLAC file is larger than 1 GiB', { file: path });
  if (bytes.length < 4 || bytes.toString('latin1', 0, 4) !== 'fLaC')
    throw new FewbeatError("not a FLAC stream (no 'fLaC' marker)", { file: path, location: 'byte 0' });
  const spf = (signals[0] as WfdbSignalSpec).sampsPerFrame;
  if (signals.some((s) => s.sampsPerFrame !== spf)) {
    throw new FewbeatError('signals of one FLAC file must have the same samples per frame', { file: path });
  }

  const declared = declaredTotalSamples(bytes);
  if (declared > maxSamplesPerSignal)
    throw new FewbeatError(
      `FLAC stream declares ${declared} samples per signal, more than the ${maxSamplesPerSignal} of its WFDB header`,
      { file: path, location: 'byte 21' },
    );
  let decoded: Awaited<ReturnType<FLACDecoder['decodeFile']>>;
  try {
    decoded = await withDecoder((decoder) => decodeBounded(decoder, bytes, maxSamplesPerSignal, path));
  } catch (e) {
    if (e instanceof FewbeatError) throw e;
    throw new FewbeatError(`FLAC stream cannot be decoded: ${e instanceof Error ? e.message : String(e)}`, {
      file: path,
      cause: e,
    });
  }
  if (decoded.errors.length > 0) {
    const first = decoded.errors[0];
    throw new FewbeatError(`FLAC stream is corrupt: ${first?.message ?? 'decode error'}`, {
      file: path,
      location: `frame ${first?.frameNumber ?? '?'}`,
    });
  }
  if (decoded.channelData.length !== signals.length) {
    throw new FewbeatError(
      `FLAC stream has ${decoded.channelData.length} channels, the header gives the file ${signals.length} signals`,
      { file: path },
    );
  }
  if (decoded.bitDepth !== bits) {
    throw new FewbeatError(`FLAC stream has ${decoded.bitDepth}-bit samples, format ${fmt} needs ${bits}`, {
      file: path,
    });
  }
  const scale = 2 ** (bits - 1) - 1;
  return decoded.channelData.map((f) => {
    const out = new Int32Array(decoded.samplesDecoded);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(f[i] * scale);
    return out;
  });
}
