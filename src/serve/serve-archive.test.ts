import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeIndexHeader } from '../archive/index-format.js';
import { MEASUREMENT_FEATURES } from '../data/measurements.js';
import { runCli } from '../test-utils/run-cli.js';
import { tinyModel } from '../test-utils/tiny-model.js';
import type { ArchiveSearch } from './app/archive.js';
import { call, json, uploadRecord, type Caller } from './test-support/inject.js';
import { jetArchiveIndex, type PlantedIndex } from '../test-utils/planted-index.js';
import { testService, type DatabaseKind } from './test-support/test-service.js';

let tiny: Awaited<ReturnType<typeof tinyModel>>;
beforeAll(async () => {
  tiny = await tinyModel();
});
afterAll(() => tiny?.cleanup());

const oneLine = (body: string): string => {
  const { message } = JSON.parse(body) as { message: string };
  expect(message).not.toMatch(/\n/);
  return message;
};

describe.each<DatabaseKind>(['sqlite', 'postgres'])('archive search in fewbeat serve on %s', (kind) => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let app: FastifyInstance;
  let index: PlantedIndex;
  let indexDir = '';
  const admin: Caller = {};
  const clinician: Caller = {};
  let bankId = '';

  beforeAll(async () => {
    indexDir = join(tiny.root, `archive-${kind}`);
    const planted = jetArchiveIndex(tiny, indexDir, 60);
    const { jet, nsr } = planted;
    index = planted.index;
    svc = await testService(kind, tiny.modelDir, { archiveDir: indexDir });
    app = svc.app;
    const login = await call(app, 'POST', '/api/auth/login', {}, { username: 'admin', password: 'admin-password-1' });
    admin.cookie = `fewbeat_session=${login.cookies.find((c) => c.name === 'fewbeat_session')!.value}`;
    admin.csrf = json<{ csrfToken: string }>(login).csrfToken;
    await call(app, 'POST', '/api/users', admin, {
      username: 'dr.ada',
      displayName: 'Dr Ada',
      role: 'clinician',
      password: 'clinician-password-1',
    });
    const cl = await call(app, 'POST', '/api/auth/login', {}, { username: 'dr.ada', password: 'clinician-password-1' });
    const cookie = {
      cookie: `fewbeat_session=${cl.cookies[0]!.value}`,
      csrf: json<{ csrfToken: string }>(cl).csrfToken,
    };
    clinician.token = json<{ token: string }>(await call(app, 'POST', '/api/auth/tokens', cookie, { name: 't' })).token;
    // The bank is taught from the very records the planted windows were made near.
    const examples: Array<{ caseId: string; class: string }> = [];
    for (const [label, records] of [
      ['jet', jet],
      ['nsr', nsr],
    ] as const)
      for (const r of records) {
        const up = await uploadRecord(app, clinician, r);
        expect(up.statusCode, up.body).toBe(201);
        examples.push({ caseId: json<{ id: string }>(up).id, class: label });
      }
    const bank = await call(app, 'POST', '/api/banks', clinician, { name: 'archive bank', examples });
    expect(bank.statusCode, bank.body).toBe(201);
    bankId = json<{ id: string }>(bank).id;
  }, 300_000);
  afterAll(async () => {
    await svc?.stop();
  });

  it('tells which index it serves: its windows, recordings and model', async () => {
    const r = await call(app, 'GET', '/api/archive', clinician);
    expect(r.statusCode, r.body).toBe(200);
    expect(json<{ archive: unknown }>(r).archive).toMatchObject({
      dir: indexDir,
      windows: index.windows,
      records: index.windows,
      skipped: 0,
      windowSeconds: 10,
      measurementFeatures: [...MEASUREMENT_FEATURES],
    });
  });

  it('finds the planted windows first, with their measurements, for clinicians and admins, and audits it', async () => {
    const started = performance.now();
    const r = await call(app, 'POST', '/api/archive/search', clinician, { bankId, className: 'jet', top: 5 });
    const ms = performance.now() - started;
    expect(r.statusCode, r.body).toBe(200);
    const found = json<ArchiveSearch>(r);
    console.log(
      `archive search through the API (${kind}): ${ms.toFixed(1)} ms, ` +
        `${found.searchMs} ms in the search, ${found.scanned} windows`,
    );
    expect(found).toMatchObject({ bank: { id: bankId, version: 1 }, className: 'jet', scanned: index.windows });
    expect(found.hits).toHaveLength(5);
    expect(new Set(found.hits.slice(0, 3).map((h) => h.record))).toEqual(new Set(index.planted.map((p) => p.record)));
    for (const h of found.hits.slice(0, 3)) {
      const planted = index.planted.find((p) => p.record === h.record)!;
      expect(h).toMatchObject({ patientId: planted.patientId, window: { startS: 0, endS: 10 }, ageYears: 8, sex: 'F' });
      expect(h.measurements.z_hr).toBe(planted.zHr);
    }
    const probabilities = found.hits.map((h) => h.probability);
    expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    const [entry] = (await svc.ctx.audit.list({ action: 'archive_search', limit: 1, offset: 0 })).entries;
    expect(entry).toMatchObject({
      username: 'dr.ada',
      targetType: 'bank',
      targetId: bankId,
      details: { bankVersion: 1, className: 'jet', hits: 5, scanned: index.windows },
    });
    expect(JSON.stringify(entry)).not.toMatch(/patient-|\/archive\//);
    const byAdmin = await call(app, 'POST', '/api/archive/search', admin, { bankId, className: 'nsr', bankVersion: 1 });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(json<ArchiveSearch>(byAdmin).hits).toHaveLength(20);
  });

  it('ranks as fewbeat search does with the stored bank version', async () => {
    const stored = await svc.ctx.banks.version(bankId, 1);
    const bankFile = join(svc.dataDir, 'bank.json');
    writeFileSync(bankFile, stored!.bank_json);
    const cli = await runCli(['search', indexDir, '--bank', bankFile, '--class', 'jet', '--top', '8', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const fromCli = (JSON.parse(cli.stdout) as { searches: Array<{ hits: Array<{ record: string }> }> }).searches[0]!;
    const api = json<ArchiveSearch>(
      await call(app, 'POST', '/api/archive/search', clinician, { bankId, className: 'jet', top: 8 }),
    );
    expect(api.hits.map((h) => h.record)).toEqual(fromCli.hits.map((h) => h.record));
  });

  it('exports the hits as a cohort manifest, audited as an export', async () => {
    const r = await call(app, 'GET', `/api/archive/cohort.csv?bankId=${bankId}&className=jet&top=3`, clinician);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="archive-jet-${bankId}-v1.csv"`);
    const lines = r.body.trim().split('\n');
    expect(lines[0]).toBe('record,patient_id,label,age_years,sex,start_s,end_s');
    expect(lines.slice(1).sort()).toEqual(index.planted.map((p) => `${p.record},${p.patientId},jet,8,F,0,10`).sort());
    const [entry] = (await svc.ctx.audit.list({ action: 'export', limit: 1, offset: 0 })).entries;
    expect(entry).toMatchObject({
      targetType: 'bank',
      targetId: bankId,
      details: { format: 'cohort_csv', className: 'jet', hits: 3 },
    });
  });

  it('refuses an unknown bank, version or class and a top out of range with one line naming the field', async () => {
    const search = (body: object) => call(app, 'POST', '/api/archive/search', clinician, body);
    const cases: Array<[object, number, RegExp]> = [
      [
        { bankId, className: 'zzz' },
        400,
        /^body\.className: class "zzz" is not in version 1 of bank archive bank \(it holds jet, nsr\)$/,
      ],
      [{ bankId: 'bank_none', className: 'jet' }, 400, /^body\.bankId: bank bank_none not found$/],
      [{ bankId, bankVersion: 9, className: 'jet' }, 400, /^body\.bankVersion: bank \S+ has no version 9$/],
      [{ bankId, className: 'jet', top: 0 }, 400, /^body\.top: /],
      [{ bankId, className: 'jet', top: 201 }, 400, /^body\.top: /],
      [{ bankId }, 400, /^body\.className: /],
    ];
    for (const [body, status, message] of cases) {
      const r = await search(body);
      expect(r.statusCode, r.body).toBe(status);
      expect(oneLine(r.body)).toMatch(message);
    }
    const badExport = await call(app, 'GET', `/api/archive/cohort.csv?bankId=${bankId}&className=zzz`, clinician);
    expect(badExport.statusCode).toBe(400);
    expect(oneLine(badExport.body)).toMatch(/^querystring\.className: class "zzz" is not in/);
  });
});

describe('fewbeat serve --archive', () => {
  it('refuses at start an index another model embedded, in one line', async () => {
    const dir = join(tiny.root, 'archive-other-model');
    mkdirSync(dir, { recursive: true });
    writeIndexHeader(dir, {
      format: 'fewbeat-archive-index',
      version: 2,
      model: { dir: '/elsewhere/model', configSha256: '0'.repeat(64) },
      dim: 4,
      clinicalDim: 0,
      measurementFeatures: [],
      windowSeconds: 10,
    });
    await expect(testService('sqlite', tiny.modelDir, { archiveDir: dir })).rejects.toThrow(
      /index\.json: the archive index was built with another model \(\/elsewhere\/model\) than the served one/,
    );
  });

  it('answers that no archive is served when started without one, and limits searches per minute', async () => {
    const svc = await testService('sqlite', tiny.modelDir, { limits: { searchesPerMinute: 3 } });
    try {
      const login = await call(
        svc.app,
        'POST',
        '/api/auth/login',
        {},
        { username: 'admin', password: 'admin-password-1' },
      );
      const admin: Caller = {
        cookie: `fewbeat_session=${login.cookies[0]!.value}`,
        csrf: json<{ csrfToken: string }>(login).csrfToken,
      };
      expect(json(await call(svc.app, 'GET', '/api/archive', admin))).toEqual({ archive: null });
      const r = await call(svc.app, 'POST', '/api/archive/search', admin, { bankId: 'b', className: 'jet' });
      expect(r.statusCode).toBe(404);
      expect(json<{ error: string }>(r).error).toBe('no_archive');
      expect(oneLine(r.body)).toBe('no archive index is served: start fewbeat serve with --archive INDEX');
      const codes: number[] = [];
      for (let i = 0; i < 3; i++)
        codes.push(
          (await call(svc.app, 'POST', '/api/archive/search', admin, { bankId: 'b', className: 'jet' })).statusCode,
        );
      expect(codes).toEqual([404, 404, 429]);
    } finally {
      await svc.stop();
    }
  });
});
