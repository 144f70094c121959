import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test-utils/run-cli.js';
import { tinyModel, type TinyRecord } from '../../test-utils/tiny-model.js';
import { ModelService } from './model-service.js';
import type { RecordRef } from './worker-protocol.js';

const refOf = (r: TinyRecord): RecordRef => ({
  sha256: createHash('sha256').update(r.record).digest('hex'),
  files: r.files,
});

describe('ModelService (the model behind worker threads)', () => {
  let tiny: Awaited<ReturnType<typeof tinyModel>>;
  let service: ModelService;
  beforeAll(async () => {
    tiny = await tinyModel();
    service = await ModelService.open(tiny.modelDir, { threads: 1, timeoutMs: 60_000 });
  });
  afterAll(async () => {
    await service?.close();
    tiny?.cleanup();
  });

  it('enrols a bank and predicts exactly as `fewbeat predict` does for the same record and bank', async () => {
    const jet = tiny.records.filter((r) => r.label === 'jet');
    const vt = tiny.records.filter((r) => r.label === 'vt');
    const support = [...jet.slice(0, 2), ...vt.slice(0, 2)];
    const bank = await service.buildBank(
      support.map((r) => ({ caseId: r.base, class: r.label, record: refOf(r), clinical: {} })),
    );
    expect(bank.classes).toEqual(['jet', 'vt']);
    const bankFile = join(tiny.root, 'bank.json');
    writeFileSync(bankFile, JSON.stringify(bank));
    const query = jet[2] as TinyRecord;
    const mine = await service.predict({
      record: refOf(query),
      clinical: {},
      contextGiven: false,
      bankKey: 'b1',
      bankJson: readFileSync(bankFile, 'utf8'),
      nearest: 3,
      explain: true,
    });
    const cli = await runCli([
      'predict',
      '--model',
      tiny.modelDir,
      '--bank',
      bankFile,
      '--record',
      join(tiny.cohortDir, query.record),
      '--json',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const theirs = JSON.parse(cli.stdout) as {
      predicted: string;
      probabilities: Record<string, number>;
      nearestExamples: Array<{ record: string; distance: number }>;
    };
    expect(mine.predicted).toBe(theirs.predicted);
    for (const c of bank.classes) expect(mine.probabilities[c]).toBeCloseTo(theirs.probabilities[c] as number, 6);
    expect(mine.nearestExamples.map((e) => e.caseId)).toEqual(theirs.nearestExamples.map((e) => e.record));
    // Occlusion: one entry per recorded model lead and per second of the 5-s model input, drops within [-1, 1].
    const ex = mine.explanation;
    expect(ex?.leads.map((l) => l.lead)).toEqual(['I', 'II', 'V1', 'V5']);
    expect(ex?.segments.map((s) => [s.startS, s.endS])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(ex?.baseProbability).toBeCloseTo(mine.probabilities[ex?.target as string] as number, 3);
    for (const d of [...(ex?.leads ?? []), ...(ex?.segments ?? [])]) expect(Math.abs(d.drop)).toBeLessThanOrEqual(1);
  });

  it('answers a case predicted again, with or without the explanation, as it answered the first time', async () => {
    const jet = tiny.records.filter((r) => r.label === 'jet');
    const vt = tiny.records.filter((r) => r.label === 'vt');
    const bank = await service.buildBank(
      [...jet.slice(0, 2), ...vt.slice(0, 2)].map((r) => ({
        caseId: r.base,
        class: r.label,
        record: refOf(r),
        clinical: { age_years: r.ageYears },
      })),
    );
    const query = vt[2] as TinyRecord;
    const ask = (explain: boolean) =>
      service.predict({
        record: refOf(query),
        clinical: { age_years: query.ageYears },
        contextGiven: true,
        bankKey: 'b2',
        bankJson: JSON.stringify(bank),
        nearest: 2,
        explain,
      });
    const plain = await ask(false); // the case's vectors without the occluded variants
    const explained = await ask(true); // now with them
    const again = await ask(true); // from the worker's vectors of the case
    expect(explained.explanation).not.toBeNull();
    expect(again).toEqual(explained);
    expect({ ...plain, explanation: null }).toEqual({ ...explained, explanation: null });
  });

  it('leaks no tensor in its workers across analysis, enrolment and explained predictions', async () => {
    const of = (label: string, i: number): TinyRecord => {
      const all = tiny.records.filter((r) => r.label === label);
      return all[i % all.length] as TinyRecord;
    };
    // Each round other records, so that every step runs the model rather than a cache.
    const round = async (k: number): Promise<void> => {
      const support = [of('jet', 2 * k), of('jet', 2 * k + 1), of('vt', 2 * k), of('vt', 2 * k + 1)];
      const bank = await service.buildBank(
        support.map((r) => ({ caseId: r.base, class: r.label, record: refOf(r), clinical: {} })),
      );
      const query = of('nsr', k);
      await service.analyse(query.base, refOf(query), {});
      await service.predict({
        record: refOf(query),
        clinical: { age_years: query.ageYears },
        contextGiven: true,
        bankKey: `leak-${k}`,
        bankJson: JSON.stringify(bank),
        nearest: 2,
        explain: true,
      });
    };
    await round(3);
    const first = service.workerTensors();
    await round(4);
    expect(first.length).toBe(1);
    expect(first[0]?.tensors).toBeGreaterThan(0); // the model's weights
    expect(service.workerTensors()).toEqual(first);
  });

  it('refuses a record whose signal file is truncated, with the reader naming the file', async () => {
    const r = tiny.records[0] as TinyRecord;
    const dat = r.files.find((f) => f.name.endsWith('.dat')) as { name: string; path: string };
    const cut = join(tiny.root, 'cut.dat');
    writeFileSync(cut, readFileSync(dat.path).subarray(0, 100));
    const files = r.files.map((f) => (f === dat ? { name: f.name, path: cut } : f));
    await expect(service.inspect({ sha256: 'cut', files }, 'wfdb', {})).rejects.toThrow(new RegExp(`${r.base}`));
  });

  it('refuses clinical context the model does not know, naming the field', async () => {
    const r = tiny.records[0] as TinyRecord;
    await expect(service.inspect(refOf(r), 'wfdb', { age_years: -3 })).rejects.toThrow(/age_years/);
    await expect(service.inspect(refOf(r), 'wfdb', { shoe_size: 3 })).rejects.toThrow(/unknown field shoe_size/);
  });
});
