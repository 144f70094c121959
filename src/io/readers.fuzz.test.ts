import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isFewbeatError } from '../errors.js';
import { clinicalBytes, clinicalPath } from '../test-utils/clinical-formats.js';
import { FIXTURE_REAL, REPO_ROOT } from '../test-utils/real-data.js';
import { parseCsvWaveform } from './csv-waveform.js';
import { readDicomEcg } from './dicom/read-dicom-ecg.js';
import { readEdf } from './edf/read-edf.js';
import { readCohort } from './manifest/index.js';
import { readScpEcg } from './scp-ecg/read-scp-ecg.js';
import { parseAnnotations } from './wfdb/annotations.js';
import { parseHeader } from './wfdb/header.js';
import { readRecord } from './wfdb/record.js';
import { readXmlEcg } from './xml/read-xml-ecg.js';

/**
 * Property-based fuzzing of every reader (fast-check; coverage-guided fuzzing with Jazzer.js is
 * not possible on this platform: its prebuilt engine needs glibc 2.38). Each property takes a real
 * seed file, applies random byte edits (overwrite, insert, delete, truncate, splice of
 * interesting values such as 0, 0xFF, '-', '9', '\n') and reads the result: the read must return
 * or throw a FewbeatError of one line, within 1 s. `npm test` runs FUZZ_RUNS (default 300) per
 * reader; `npm run fuzz` runs 10^6. A failure prints fast-check's seed and the shrunk input;
 * every crash found becomes a case of test/fixtures/hostile/. Properties are asynchronous only to
 * give the event loop a turn every {@link BREATHE_EVERY} runs: a test that holds the worker for
 * minutes makes vitest's worker miss its report deadline ("Timeout calling onTaskUpdate").
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? 20 : Number(process.env.FUZZ_SEED);
const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'fewbeat-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x2d, 0x39, 0x30, 0x0a, 0x20, 0x2e, 0x65, 0x78, 0x2b, 0x3a, 0x2c];
type Edit =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number };
const position = fc.double({ min: 0, max: 1, noNaN: true });
const byte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), at: position, value: byte }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: position,
      bytes: fc.array(byte, { maxLength: 8 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: position,
      length: fc.integer({ min: 1, max: 16 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
);
/** Edits restricted to the first `focus` bytes (headers) with probability ½. */
const edits = (focus: number): fc.Arbitrary<{ edits: Edit[]; head: boolean }> =>
  fc.record({ edits: fc.array(edit, { minLength: 1, maxLength: 6 }), head: fc.boolean() }).map((e) => ({
    ...e,
    focus,
  }));

function mutate(seed: Uint8Array, plan: { edits: Edit[]; head: boolean }, focus: number): Buffer {
  let b = Buffer.from(seed);
  for (const e of plan.edits) {
    const span = plan.head ? Math.min(focus, b.length) : b.length;
    const at = Math.floor(e.at * span);
    if (e.kind === 'set' && b.length > 0) b[Math.min(at, b.length - 1)] = e.value;
    else if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
    else if (e.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.length)]);
    else if (e.kind === 'truncate') b = b.subarray(0, at);
  }
  return b;
}

/** Run `read` on the input: it must return, or throw one FewbeatError line, within 1 s. */
function survives(read: () => unknown): void {
  const t0 = performance.now();
  try {
    read();
  } catch (e) {
    if (!isFewbeatError(e)) throw e;
    expect(e.message).not.toContain('\n');
  }
  expect(performance.now() - t0).toBeLessThan(1000);
}

const BREATHE_EVERY = 2000;
let runsSinceBreath = 0;
/** Resolves at once, except every BREATHE_EVERY-th call, which waits for the next turn of the event loop. */
function breathe(): Promise<void> | void {
  if (++runsSinceBreath < BREATHE_EVERY) return;
  runsSinceBreath = 0;
  return new Promise((resolve) => setImmediate(resolve));
}

const real = (name: string): Buffer => readFileSync(join(FIXTURE_REAL, 'wfdb-python-sample', name));
const fixture = (...p: string[]): Buffer => readFileSync(join(REPO_ROOT, 'test', 'fixtures', ...p));
const params = { numRuns: RUNS, seed: SEED, endOnFailure: true };

describe(`reader fuzzing (${RUNS} runs per reader, seed ${SEED})`, () => {
  it('WFDB header', async () => {
    const seeds = ['100_3chan.hea', 'a103l.hea', '100skew.hea', 'multi-segment/041s/041s.hea']
      .filter((f) => existsSync(join(FIXTURE_REAL, 'wfdb-python-sample', f)))
      .map(real);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), edits(400), async (seed, plan) => {
        const text = mutate(seed, plan, 400).toString('latin1');
        survives(() => parseHeader(text, 'fuzz.hea'));
        await breathe();
      }),
      params,
    );
  });

  it('WFDB signal file with its header (formats 212 and 16)', async () => {
    const pairs = [
      { hea: real('100_3chan.hea'), dat: real('100_3chan.dat'), name: '100_3chan' },
      { hea: real('binformats.hea'), dat: real('binformats.d1'), name: 'binformats' },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: pairs.length - 1 }),
        edits(200),
        edits(64),
        fc.boolean(),
        async (k, h, d, both) => {
          const p = pairs[k] as (typeof pairs)[number];
          writeFileSync(join(dir, `${p.name}.hea`), both ? mutate(p.hea, h, 200) : p.hea);
          if (p.name === 'binformats')
            for (let i = 0; i < 10; i++)
              if (!existsSync(join(dir, `binformats.d${i}`)))
                writeFileSync(join(dir, `binformats.d${i}`), real(`binformats.d${i}`));
          writeFileSync(join(dir, p.name === 'binformats' ? 'binformats.d1' : `${p.name}.dat`), mutate(p.dat, d, 64));
          survives(() => readRecord(join(dir, p.name)));
          await breathe();
        },
      ),
      params,
    );
  });

  it('WFDB annotations', async () => {
    const seeds = [real('100.atr').subarray(0, 1200), real('100.qrs').subarray(0, 1200), real('03700181.gqrsh')];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), edits(64), async (seed, plan) => {
        const bytes = mutate(seed, plan, 64);
        survives(() => parseAnnotations(bytes, 'fuzz.atr'));
        await breathe();
      }),
      params,
    );
  });

  it('Challenge .mat (MAT v4 matrix behind a WFDB header)', async () => {
    const hea = Buffer.from(
      'm 3 250 400\nm.mat 16+24 7247/mV 16 0 -171 0 0 II\nm.mat 16+24 ' +
        '1.052e+04/mV 16 0 9127 0 0 V\nm.mat 16+24 1/mV 16 0 0 0 0 PLETH\n',
    );
    const mat = Buffer.from(real('a103l.mat').subarray(0, 24 + 400 * 3 * 2));
    await fc.assert(
      fc.asyncProperty(edits(120), edits(24), fc.boolean(), async (h, m, both) => {
        writeFileSync(join(dir, 'm.hea'), both ? mutate(hea, h, 120) : hea);
        writeFileSync(join(dir, 'm.mat'), mutate(mat, m, 24));
        survives(() => readRecord(join(dir, 'm'), { verifyChecksums: false }));
        await breathe();
      }),
      params,
    );
  });

  it('EDF and EDF+', async () => {
    const seeds = [fixture('edf', 'ecg-3lead-edfplus.edf'), fixture('edf', 'ecg-bdfplus.bdf').subarray(0, 8192)];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), edits(1024), async (k, plan) => {
        const file = join(dir, k === 0 ? 'f.edf' : 'f.bdf');
        writeFileSync(file, mutate(seeds[k] as Buffer, plan, 1024));
        survives(() => readEdf(file));
        await breathe();
      }),
      params,
    );
  });

  it('CSV waveform', async () => {
    const seed = fixture('csv', 'three-leads-200hz.csv');
    await fc.assert(
      fc.asyncProperty(edits(60), fc.boolean(), async (plan, withFs) => {
        const text = mutate(seed, plan, 60).toString('utf8');
        survives(() => parseCsvWaveform(text, 'fuzz.csv', withFs ? { fs: 200 } : {}));
        await breathe();
      }),
      params,
    );
  });

  it('cohort manifest and clinical schema', async () => {
    const cohort = join(dir, 'cohort');
    mkdirSync(cohort, { recursive: true });
    cpSync(join(REPO_ROOT, 'test', 'fixtures', 'manifest', 'small'), cohort, { recursive: true });
    const manifest = readFileSync(join(cohort, 'manifest.csv'));
    const schema = readFileSync(join(cohort, 'clinical-schema.json'));
    await fc.assert(
      fc.asyncProperty(edits(200), edits(300), fc.boolean(), async (m, s, both) => {
        writeFileSync(join(cohort, 'manifest.csv'), mutate(manifest, m, 200));
        writeFileSync(join(cohort, 'clinical-schema.json'), both ? mutate(schema, s, 300) : schema);
        survives(() => readCohort(cohort));
        await breathe();
      }),
      params,
    );
  });

  /** Hospital formats: the sample files that exist (the GPL-3.0 GE MUSE files are never in the repository). */
  const hospital = (...rels: string[]): Buffer[] =>
    rels.filter((r) => clinicalPath(r) !== null).map((r) => Buffer.from(clinicalBytes(r)));

  it('hospital XML (HL7 aECG, Philips Sierra)', async () => {
    const seeds = hospital('hl7-aecg/fda-minimum_aecg.xml', 'philips-sierra/129DYPRG.XML');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), edits(2048), async (k, plan) => {
        const bytes = mutate(seeds[k] as Buffer, plan, 2048);
        survives(() => readXmlEcg(bytes, 'fuzz.xml'));
        await breathe();
      }),
      params,
    );
  });

  it('DICOM waveform', async () => {
    const seeds = hospital('dicom/ecgtoolkit-Example.dcm');
    await fc.assert(
      fc.asyncProperty(edits(1024), async (plan) => {
        const bytes = mutate(seeds[0] as Buffer, plan, 1024);
        survives(() => readDicomEcg(bytes, 'fuzz.dcm'));
        await breathe();
      }),
      params,
    );
  });

  it('SCP-ECG', async () => {
    const seeds = hospital('scp-ecg/ecgtoolkit-Example.scp', 'scp-ecg/welchallyn-ECG_20170504_163507_ANON000009.SCP');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), edits(512), async (k, plan) => {
        const bytes = mutate(seeds[k] as Buffer, plan, 512);
        survives(() => readScpEcg(bytes, 'fuzz.scp'));
        await breathe();
      }),
      params,
    );
  });
});
