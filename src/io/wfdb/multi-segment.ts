import { dirname } from 'node:path';
import { FewbeatError } from '../../errors.js';
import { readHeader, type WfdbHeader, type WfdbSignalSpec } from './header.js';
import type { ReadOptions, WfdbChannel, WfdbRecord } from './record.js';
import { fileInRecordFolder, readSingleSegment, resolveRange } from './single-segment.js';

/**
 * Multi-segment WFDB records (header(5), "multi-segment records"): the master header lists
 * segments `name length`, read one after the other.
 *
 * - **Fixed layout**: every segment has the same signals; the first segment defines them.
 * - **Variable layout**: the first segment has length 0 and is a *layout header* (signal files
 *   `~`) naming every signal that may appear; each segment holds some of them, matched by name.
 * - A segment named `~` is a gap: no data, every signal missing.
 *
 * Values are returned as physical values of the concatenated record (each segment scaled with
 * its own gain and baseline); gaps and signals absent from a segment are NaN.
 */
export function readMultiSegment(recordPath: string, header: WfdbHeader, opts: ReadOptions = {}): WfdbRecord {
  const folder = dirname(recordPath);
  const segments = header.segments ?? [];
  const variable = segments.length > 0 && (segments[0] as { length: number }).length === 0;
  const segHeader = (name: string): WfdbHeader => {
    const h = readHeader(fileInRecordFolder(folder, name, { file: header.file }), { strict: opts.strict });
    if (h.segments) throw new FewbeatError(`segment ${name} is itself a multi-segment record`, { file: header.file });
    return h;
  };
  const firstReal = segments.find((s) => s.name !== '~');
  const layout: WfdbSignalSpec[] = variable
    ? segHeader((segments[0] as { name: string }).name).signals
    : firstReal
      ? segHeader(firstReal.name).signals
      : [];
  if (layout.length !== header.nSig) {
    throw new FewbeatError(
      `record line declares ${header.nSig} signals but the ` +
        `${variable ? 'layout' : 'first'} segment has ${layout.length}`,
      { file: header.file },
    );
  }
  const segLenSum = segments.reduce((n, s) => n + s.length, 0);
  const sigLen = header.sigLen ?? segLenSum;
  if (segLenSum !== sigLen) {
    throw new FewbeatError(`segment lengths add up to ${segLenSum} frames but the record line says ${sigLen}`, {
      file: header.file,
    });
  }
  const { from, to, channels } = resolveRange({ ...header, signals: layout }, sigLen, opts);

  const physical = channels.map((i) =>
    new Float64Array((to - from) * (layout[i] as WfdbSignalSpec).sampsPerFrame).fill(Number.NaN),
  );
  const warnings = header.warnings.map((w) => `${header.file}: ${w}`);
  let segStart = 0;
  for (const seg of segments) {
    const segEnd = segStart + seg.length;
    const a = Math.max(from, segStart);
    const b = Math.min(to, segEnd);
    if (seg.name !== '~' && seg.length > 0 && a < b) {
      const h = segHeader(seg.name);
      // Map each requested layout signal to the segment's signal of the same name (fixed layout: same index).
      const mapped = channels.map((i) =>
        variable ? h.signals.findIndex((s) => s.description === (layout[i] as WfdbSignalSpec).description) : i,
      );
      const present = mapped.filter((m) => m >= 0);
      if (!variable && h.signals.length !== layout.length) {
        throw new FewbeatError(
          `fixed-layout segment ${seg.name} has ${h.signals.length} signals, the first has ${layout.length}`,
          { file: header.file },
        );
      }
      if (present.length > 0) {
        const part = readSingleSegment(
          fileInRecordFolder(folder, seg.name, { file: header.file }),
          { ...h, sigLen: h.sigLen ?? seg.length },
          {
            from: a - segStart,
            to: b - segStart,
            channels: present,
            verifyChecksums: opts.verifyChecksums,
            strict: opts.strict,
          },
        );
        warnings.push(...part.warnings);
        mapped.forEach((m, k) => {
          if (m < 0) return;
          const ch = part.channels[present.indexOf(m)] as WfdbChannel;
          const spf = (layout[channels[k] as number] as WfdbSignalSpec).sampsPerFrame;
          if (ch.sampsPerFrame !== spf) {
            throw new FewbeatError(
              `signal ${ch.name} has ${ch.sampsPerFrame} samples per frame in ` +
                `segment ${seg.name}, ${spf} in the layout`,
              { file: header.file },
            );
          }
          (physical[k] as Float64Array).set(ch.physical, (a - from) * spf);
        });
      }
    }
    segStart = segEnd;
  }

  const out: WfdbChannel[] = channels.map((i, k) => {
    const spec = layout[i] as WfdbSignalSpec;
    return {
      index: i,
      name: spec.description,
      units: spec.units,
      fmt: spec.fmt,
      adcGain: spec.adcGain,
      baseline: spec.baseline,
      sampsPerFrame: spec.sampsPerFrame,
      skew: spec.skew,
      fs: header.fs * spec.sampsPerFrame,
      digital: null,
      physical: physical[k] as Float64Array,
    };
  });
  return { header, recordPath, fs: header.fs, sigLen, from, to, channels: out, warnings };
}
