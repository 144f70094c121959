import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEcg } from '../io/load-ecg.js';
import { runCli } from '../test-utils/run-cli.js';
import { ROUTES, type RouteSpec } from './api/routes.js';
import { call, json, uploadCase, uploadRecord, type Caller } from './test-support/inject.js';
import { testService, type DatabaseKind } from './test-support/test-service.js';
import { tinyModel, type TinyRecord } from '../test-utils/tiny-model.js';

let tiny: Awaited<ReturnType<typeof tinyModel>>;
beforeAll(async () => {
  tiny = await tinyModel();
});
afterAll(() => tiny?.cleanup());

/** Files under a folder, recursively (the blob store). */
function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1),
    0,
  );
}

describe.each<DatabaseKind>(['sqlite', 'postgres'])('fewbeat serve on %s', (kind) => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let app: FastifyInstance;
  const admin: Caller = {};
  const clinician: Caller = {};
  let clinicianId = '';
  const caseIds = new Map<string, string>(); // record -> case id
  let bankId = '';

  const byLabel = (label: string): TinyRecord[] => tiny.records.filter((r) => r.label === label);
  /** Upload a record as a case of its patient and return the case id. */
  const uploadRecordOf = async (r: TinyRecord, fields: Record<string, string> = {}): Promise<string> => {
    const res = await uploadRecord(app, clinician, r, {
      patientId: r.record.split('/').pop()!.split('_')[0]!,
      ...fields,
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = json<{ id: string }>(res).id;
    caseIds.set(r.record, id);
    return id;
  };

  beforeAll(async () => {
    svc = await testService(kind, tiny.modelDir, { limits: { fileBytes: 2_000_000, loginPerMinute: 10 } });
    app = svc.app;
    const login = await call(app, 'POST', '/api/auth/login', {}, { username: 'admin', password: 'admin-password-1' });
    expect(login.statusCode, login.body).toBe(200);
    admin.cookie = `fewbeat_session=${login.cookies.find((c) => c.name === 'fewbeat_session')!.value}`;
    admin.csrf = json<{ csrfToken: string }>(login).csrfToken;
    const made = await call(app, 'POST', '/api/users', admin, {
      username: 'dr.ada',
      displayName: 'Dr Ada',
      role: 'clinician',
      password: 'clinician-password-1',
    });
    expect(made.statusCode, made.body).toBe(201);
    clinicianId = json<{ id: string }>(made).id;
    const cl = await call(app, 'POST', '/api/auth/login', {}, { username: 'dr.ada', password: 'clinician-password-1' });
    const cookie = {
      cookie: `fewbeat_session=${cl.cookies[0]!.value}`,
      csrf: json<{ csrfToken: string }>(cl).csrfToken,
    };
    const tok = await call(app, 'POST', '/api/auth/tokens', cookie, { name: 'test script' });
    expect(tok.statusCode, tok.body).toBe(201);
    clinician.token = json<{ token: string }>(tok).token;
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('signs in with an HttpOnly SameSite=Strict cookie and refuses a cookie POST without the CSRF token', async () => {
    const r = await call(app, 'POST', '/api/auth/login', {}, { username: 'dr.ada', password: 'clinician-password-1' });
    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/); // plain http here; Secure behind TLS
    const cookie = `fewbeat_session=${r.cookies[0]!.value}`;
    const noToken = await call(app, 'POST', '/api/auth/tokens', { cookie }, { name: 'x' });
    expect(noToken.statusCode).toBe(403);
    expect(json<{ error: string }>(noToken).error).toBe('csrf');
    const wrongToken = await call(app, 'POST', '/api/auth/tokens', { cookie, csrf: 'A'.repeat(43) }, { name: 'x' });
    expect(wrongToken.statusCode).toBe(403);
    const me = await call(app, 'GET', '/api/auth/me', { cookie });
    expect(json<{ user: { username: string; role: string } }>(me).user).toMatchObject({
      username: 'dr.ada',
      role: 'clinician',
    });
    const wrong = await call(app, 'POST', '/api/auth/login', {}, { username: 'dr.ada', password: 'not-the-password' });
    expect(wrong.statusCode).toBe(401);
    // Security headers on every answer.
    expect(me.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(me.headers['x-content-type-options']).toBe('nosniff');
  });

  it(
    'uploads WFDB records with clinical context, stores each file once ' +
      "by SHA-256, searches, and lists the patient's earlier case",
    async () => {
      const patient = tiny.records.find(
        (r) => tiny.records.filter((x) => x.record.split('_')[0] === r.record.split('_')[0]).length > 1,
      );
      const first = patient ?? (tiny.records[0] as TinyRecord);
      const id1 = await uploadRecordOf(first, { label: 'first visit' });
      const before = countFiles(join(svc.dataDir, 'blobs'));
      const id2 = await uploadRecordOf(first, { label: 'second visit' }); // same files again
      expect(countFiles(join(svc.dataDir, 'blobs'))).toBe(before);
      const c2 = json<{
        recordSha256: string;
        earlierCases: Array<{ id: string }>;
        record: { format: string; leads: string[]; fs: number };
        sourceFiles: Array<{ name: string; sha256: string }>;
        clinical: Record<string, unknown>;
        uploadedBy: { username: string };
      }>(await call(app, 'GET', `/api/cases/${id2}`, clinician));
      expect(c2.earlierCases.map((c) => c.id)).toEqual([id1]);
      expect(c2.record.format).toBe('wfdb');
      expect(c2.uploadedBy.username).toBe('dr.ada');
      expect(c2.clinical).toEqual({ age_years: first.ageYears, sex: first.sex });
      // Content addressing: the stored blob's name is the SHA-256 of the uploaded bytes.
      const { createHash } = await import('node:crypto');
      const hea = first.files.find((f) => f.name.endsWith('.hea'))!;
      const digest = createHash('sha256').update(readFileSync(hea.path)).digest('hex');
      expect(c2.sourceFiles.find((f) => f.name === hea.name)?.sha256).toBe(digest);
      expect(existsSync(join(svc.dataDir, 'blobs', digest.slice(0, 2), digest.slice(2, 4), digest))).toBe(true);
      const found = json<{ cases: Array<{ id: string }>; total: number }>(
        await call(app, 'GET', '/api/cases?q=SECOND%20visit', clinician),
      );
      expect(found.cases.map((c) => c.id)).toEqual([id2]);
      const wave = json<{ leads: string[]; signals: number[][]; fs: number }>(
        await call(app, 'GET', `/api/cases/${id1}/waveform?maxSamples=200`, clinician),
      );
      expect(wave.leads).toEqual(c2.record.leads);
      expect(wave.signals[0]!.length).toBeLessThanOrEqual(200);
    },
  );

  it(
    'reads the same ECG uploaded as CSV as it reads the WFDB record, and ' + 'EDF+ files through the same readers',
    async () => {
      const r = byLabel('nsr')[4]!;
      const wfdbId = await uploadRecordOf(r);
      const ecg = loadEcg(join(tiny.cohortDir, r.record));
      const n = ecg.signals[0]!.length;
      const rows = [`time,${ecg.leads.map((l, i) => `${l} (${ecg.units[i]})`).join(',')}`];
      for (let t = 0; t < n; t++) rows.push([t / ecg.fs, ...ecg.signals.map((x) => x[t])].join(','));
      const csv = await uploadCase(app, clinician, [{ name: 'visit.csv', content: `${rows.join('\n')}\n` }], {
        clinical: JSON.stringify({ age_years: r.ageYears, sex: r.sex }),
      });
      expect(csv.statusCode, csv.body).toBe(201);
      const csvCase = json<{ id: string; record: { format: string; fs: number; leads: string[] } }>(csv);
      expect(csvCase.record).toMatchObject({ format: 'csv', fs: ecg.fs, leads: ecg.leads });
      const hr = async (id: string): Promise<number | null> =>
        json<{ measurements: { hr: { value: number | null } } }>(
          await call(app, 'GET', `/api/cases/${id}/analysis`, clinician),
        ).measurements.hr.value;
      expect(await hr(csvCase.id)).toBe(await hr(wfdbId));
      const edf = await uploadCase(app, clinician, [
        { name: 'ecg-3lead-edfplus.edf', content: readFileSync('test/fixtures/edf/ecg-3lead-edfplus.edf') },
      ]);
      expect(edf.statusCode, edf.body).toBe(201);
      expect(json<{ record: { format: string } }>(edf).record.format).toMatch(/edf/);
    },
  );

  it(
    'analyses a case as `fewbeat measure` does: the same HR, QRS, QT and P-wave repeatability, ' +
      'and one R peak per detected beat',
    async () => {
      const r = byLabel('nsr')[0]!;
      const id = caseIds.get(r.record) ?? (await uploadRecordOf(r));
      const res = await call(app, 'GET', `/api/cases/${id}/analysis`, clinician);
      expect(res.statusCode, res.body).toBe(200);
      const a = json<{
        complete: boolean;
        incompleteReasons: string[];
        measurements: Record<string, { value: number | null; reason: string | null }>;
        rPeaks: { samples: number[] };
        medianBeats: { leads: Array<{ samples: number[] }>; beatsUsed: number };
        pWaveRepeatability: number | null;
      }>(res);
      const cli = await runCli([
        'measure',
        join(tiny.cohortDir, r.record),
        ...(r.ageYears === null ? [] : ['--age-years', String(r.ageYears)]),
        ...(r.sex === null ? [] : ['--sex', r.sex]),
        '--json',
      ]);
      expect(cli.code, cli.stderr).toBe(0);
      const m = JSON.parse(cli.stdout) as {
        hr_bpm: number | null;
        qrs_ms: number | null;
        qt_ms: number | null;
        beats: { detected: number; in_median_beat: number };
        p_wave_repeatability: number | null;
      };
      expect(a.measurements.hr!.value).toBe(m.hr_bpm);
      expect(a.pWaveRepeatability).toBe(m.p_wave_repeatability);
      expect(a.measurements.qrs!.value).toBe(m.qrs_ms);
      expect(a.measurements.qt!.value).toBe(m.qt_ms);
      expect(a.rPeaks.samples).toHaveLength(m.beats.detected);
      expect(a.medianBeats.beatsUsed).toBe(m.beats.in_median_beat);
      // Complete only when every measurement has a value; otherwise every gap is named.
      const missing = Object.values(a.measurements).filter((v) => v.value === null);
      expect(a.complete).toBe(missing.length === 0 && a.incompleteReasons.length === 0);
      for (const v of missing) expect(v.reason).toBeTruthy();
    },
  );

  it(
    'creates a bank from cases and predicts with probabilities, nearest ' + 'cases, occlusion, model and bank versions',
    async () => {
      const examples: Array<{ caseId: string; class: string }> = [];
      for (const label of ['jet', 'vt'])
        for (const r of byLabel(label).slice(0, 2)) examples.push({ caseId: await uploadRecordOf(r), class: label });
      const created = await call(app, 'POST', '/api/banks', clinician, { name: 'novel rhythms', examples });
      expect(created.statusCode, created.body).toBe(201);
      const bank = json<{ id: string; version: number; classes: Record<string, number> }>(created);
      expect(bank).toMatchObject({ version: 1, classes: { jet: 2, vt: 2 } });
      bankId = bank.id;
      const query = byLabel('jet')[2]!;
      const qid = await uploadRecordOf(query);
      const res = await call(app, 'POST', `/api/cases/${qid}/predictions`, clinician, { bankId, nearest: 2 });
      expect(res.statusCode, res.body).toBe(201);
      const p = json<{
        id: string;
        predicted: string;
        abstained: boolean;
        probabilities: Record<string, number>;
        nearestExamples: Array<{ caseId: string; distance: number }>;
        explanation: { leads: Array<{ lead: string }>; segments: unknown[] };
        bank: { version: number };
        modelVersion: string;
        inputSha256: string;
        clinicalUsed: { fields: string[] };
      }>(res);
      expect(Object.values(p.probabilities).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      expect(p.predicted).toBe(
        p.abstained ? 'unknown' : Object.entries(p.probabilities).sort((a, b) => b[1] - a[1])[0]![0],
      );
      expect(p.nearestExamples).toHaveLength(2);
      for (const e of p.nearestExamples) expect(examples.map((x) => x.caseId)).toContain(e.caseId);
      expect(p.explanation.leads.map((l) => l.lead)).toEqual(['I', 'II', 'V1', 'V5']);
      expect(p.bank.version).toBe(1);
      expect(p.modelVersion).toBe(svc.ctx.model.info.version);
      expect(p.inputSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(p.clinicalUsed.fields).toEqual(['age_years', 'sex'].filter((f) => f !== 'sex' || query.sex !== null));
      const listed = json<{ predictions: Array<{ id: string }>; total: number }>(
        await call(app, 'GET', `/api/cases/${qid}/predictions`, clinician),
      );
      expect(listed.predictions.map((x) => x.id)).toEqual([p.id]);
      expect(listed.total).toBe(1);
      // Predicted again: a stored prediction of its own with the same answer; the history comes a page at a time.
      const again = json<typeof p>(
        await call(app, 'POST', `/api/cases/${qid}/predictions`, clinician, { bankId, nearest: 2 }),
      );
      expect(again.id).not.toBe(p.id);
      expect(again.probabilities).toEqual(p.probabilities);
      expect(again.explanation).toEqual(p.explanation);
      const page = json<{ predictions: Array<{ id: string }>; total: number }>(
        await call(app, 'GET', `/api/cases/${qid}/predictions?limit=1`, clinician),
      );
      expect(page.total).toBe(2);
      expect(page.predictions.map((x) => x.id)).toEqual([again.id]);
    },
  );

  it('serialises concurrent edits of one bank: each edit makes its own version and none is lost', async () => {
    const extra = [...byLabel('nsr').slice(1, 4), ...byLabel('chb').slice(0, 3)];
    const ids = [];
    for (const r of extra) ids.push({ caseId: await uploadRecordOf(r), class: r.label });
    const answers = await Promise.all(ids.map((e) => call(app, 'POST', `/api/banks/${bankId}/examples`, clinician, e)));
    for (const a of answers) expect(a.statusCode, a.body).toBe(201);
    expect(new Set(answers.map((a) => json<{ version: number }>(a).version))).toEqual(new Set([2, 3, 4, 5, 6, 7]));
    const bank = json<{ version: number; examples: Array<{ caseId: string }> }>(
      await call(app, 'GET', `/api/banks/${bankId}`, clinician),
    );
    expect(bank.version).toBe(7);
    for (const e of ids) expect(bank.examples.map((x) => x.caseId)).toContain(e.caseId);
    const relabel = await call(app, 'PATCH', `/api/banks/${bankId}/examples/${ids[0]!.caseId}`, clinician, {
      class: 'sinus',
    });
    expect(json<{ version: number; classes: Record<string, number> }>(relabel)).toMatchObject({ version: 8 });
    const removed = await call(app, 'DELETE', `/api/banks/${bankId}/examples/${ids[0]!.caseId}`, clinician);
    expect(json<{ version: number; classes: Record<string, number> }>(removed).classes.sinus).toBeUndefined();
    const versions = json<{ versions: Array<{ version: number; change: string }> }>(
      await call(app, 'GET', `/api/banks/${bankId}/versions`, clinician),
    );
    expect(versions.versions.map((v) => v.version)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    // Old versions stay as they were.
    const v1 = json<{ examples: unknown[] }>(await call(app, 'GET', `/api/banks/${bankId}/versions/1`, clinician));
    expect(v1.examples).toHaveLength(4);
  });

  it('reviews a prediction: corrects it with a note and adds the case to the bank in the same call', async () => {
    const qid = caseIds.get(byLabel('jet')[2]!.record)!;
    const preds = json<{ predictions: Array<{ id: string; bank: { version: number } }> }>(
      await call(app, 'GET', `/api/cases/${qid}/predictions`, clinician),
    );
    const pred = preds.predictions[0]!;
    const r = await call(app, 'POST', `/api/predictions/${pred.id}/review`, clinician, {
      verdict: 'corrected',
      correctedClass: 'jet',
      note: 'AV dissociation visible in II',
      addToBank: { bankId },
    });
    expect(r.statusCode, r.body).toBe(201);
    const out = json<{
      prediction: { review: { verdict: string; finalClass: string; note: string }; bank: { version: number } };
      bank: { version: number; examples: Array<{ caseId: string; class: string }> };
    }>(r);
    expect(out.prediction.review).toMatchObject({
      verdict: 'corrected',
      finalClass: 'jet',
      note: 'AV dissociation visible in II',
    });
    expect(out.bank.examples).toContainEqual({ caseId: qid, class: 'jet' });
    // The prediction keeps the bank version it used.
    expect(out.prediction.bank.version).toBe(pred.bank.version);
    const missingClass = await call(app, 'POST', `/api/predictions/${pred.id}/review`, clinician, {
      verdict: 'corrected',
    });
    expect(missingClass.statusCode).toBe(400);
  });

  it('exports the case report as JSON and as a printable HTML page with every value escaped', async () => {
    const qid = caseIds.get(byLabel('jet')[2]!.record)!;
    const j = await call(app, 'GET', `/api/cases/${qid}/report.json`, clinician);
    expect(j.statusCode, j.body).toBe(200);
    const report = json<{ case: { id: string }; predictions: unknown[]; analysis: { caseId: string } }>(j);
    expect(report.case.id).toBe(qid);
    expect(report.analysis.caseId).toBe(qid);
    expect(report.predictions.length).toBeGreaterThan(0);
    const evil = await uploadRecordOf(byLabel('svt')[0]!, { label: '<script>alert(1)</script>' });
    const h = await call(app, 'GET', `/api/cases/${evil}/report.html`, clinician);
    expect(h.statusCode).toBe(200);
    expect(h.headers['content-type']).toMatch(/text\/html/);
    expect(h.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(h.body).not.toContain('<script>');
  });

  it("refuses malformed and hostile uploads with the reader's one-line reason and stores nothing", async () => {
    const r = byLabel('svt')[1]!;
    const [hea, dat] = [r.files.find((f) => f.name.endsWith('.hea'))!, r.files.find((f) => f.name.endsWith('.dat'))!];
    const count = async (): Promise<number> =>
      json<{ total: number }>(await call(app, 'GET', '/api/cases?limit=1', clinician)).total;
    const cases = await count();
    const blobs = countFiles(join(svc.dataDir, 'blobs'));
    const cases_: Array<[string, Array<{ name: string; content: Buffer | string }>, Record<string, string>, RegExp]> = [
      [
        'truncated signal file',
        [
          { name: hea.name, content: readFileSync(hea.path) },
          { name: dat.name, content: readFileSync(dat.path).subarray(0, 64) },
        ],
        {},
        new RegExp(r.base),
      ],
      [
        'header without its signal file',
        [{ name: hea.name, content: readFileSync(hea.path) }],
        {},
        new RegExp(`${r.base}`),
      ],
      [
        'random bytes as EDF',
        [{ name: 'x.edf', content: Buffer.from('this is not an EDF file at all') }],
        {},
        /x\.edf/,
      ],
      ['CSV without numbers', [{ name: 'x.csv', content: 'a,b\nfoo,bar\n' }], { fs: '500' }, /x\.csv/],
      [
        'two records at once',
        [
          { name: 'a.hea', content: 'a 1 500 10\n' },
          { name: 'b.hea', content: 'b 1 500 10\n' },
        ],
        {},
        /one record/,
      ],
      ['a hidden or odd file name', [{ name: '.hea', content: 'x' }], {}, /file name/],
      ['no file', [], {}, /no file/],
      [
        'impossible age',
        [
          { name: hea.name, content: readFileSync(hea.path) },
          { name: dat.name, content: readFileSync(dat.path) },
        ],
        { clinical: '{"age_years": -2}' },
        /age_years/,
      ],
      [
        'clinical that is not JSON',
        [
          { name: hea.name, content: readFileSync(hea.path) },
          { name: dat.name, content: readFileSync(dat.path) },
        ],
        { clinical: '{age' },
        /clinical/,
      ],
      [
        'an unknown form field',
        [
          { name: hea.name, content: readFileSync(hea.path) },
          { name: dat.name, content: readFileSync(dat.path) },
        ],
        { patientName: 'Jane' },
        /unknown field patientName/,
      ],
      [
        'a header promising a huge signal',
        [
          { name: 'h.hea', content: 'h 1 500 999999999999\nh.dat 16 200 16 0 0 0 0 I\n' },
          { name: 'h.dat', content: Buffer.alloc(100) },
        ],
        {},
        /h/,
      ],
    ];
    for (const [what, files, fields, reason] of cases_) {
      const res = await uploadCase(app, clinician, files, fields);
      expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, what).toBeLessThan(500);
      const msg = json<{ message: string }>(res).message;
      expect(msg, what).toMatch(reason);
      expect(msg.includes('\n'), what).toBe(false);
      expect(msg, what).not.toMatch(/fewbeat-record-|\/tmp\//);
    }
    const big = await uploadCase(app, clinician, [{ name: 'big.csv', content: Buffer.alloc(2_100_000, 48) }]);
    expect(big.statusCode).toBe(413);
    expect(await count()).toBe(cases);
    expect(countFiles(join(svc.dataDir, 'blobs'))).toBe(blobs);
    expect(countFiles(join(svc.dataDir, 'uploads'))).toBe(0);
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/banks',
      headers: { authorization: `Bearer ${clinician.token}`, 'content-type': 'application/json' },
      payload: '{"name": "x", "examples": [',
    });
    expect(badJson.statusCode).toBe(400);
    const tooBig = await call(app, 'POST', '/api/banks', clinician, { name: 'x'.repeat(2_000_000), examples: [] });
    expect(tooBig.statusCode).toBe(413);
  });

  it('keeps an append-only audit log without patient identifiers, which admins read and export', async () => {
    const log = json<{
      entries: Array<{
        action: string;
        username: string | null;
        ip: string | null;
        details: unknown;
        targetId: string | null;
      }>;
    }>(await call(app, 'GET', '/api/audit?limit=1000', admin));
    const actions = new Set(log.entries.map((e) => e.action));
    for (const a of [
      'login',
      'login_failed',
      'upload',
      'prediction',
      'bank_create',
      'bank_change',
      'review',
      'export',
      'user_create',
    ])
      expect(actions, a).toContain(a);
    for (const e of log.entries.filter((x) => x.action !== 'login_failed' && x.action !== 'admin_bootstrap'))
      expect(e.username).toBeTruthy();
    expect(log.entries.find((e) => e.action === 'upload')?.ip).toBe('127.0.0.1');
    // Patient keys and file names never reach the log.
    const text = JSON.stringify(log);
    for (const r of tiny.records) expect(text).not.toContain(r.base);
    const exported = await call(app, 'GET', '/api/audit/export', admin);
    expect(exported.headers['content-type']).toMatch(/ndjson/);
    const lines = exported.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(lines.length).toBeGreaterThanOrEqual(log.entries.length);
    // The database itself refuses to change or delete an entry.
    await expect(sql`update audit_log set action = 'nothing'`.execute(svc.ctx.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(svc.ctx.database.db)).rejects.toThrow(/append-only/);
  });

  it(
    'guards every route: anonymous callers get 401, clinicians 403 on ' + 'admin routes, allowed roles get through',
    async () => {
      const sampleUrl = (spec: RouteSpec): string =>
        spec.url.replace(':version', '1').replace(/:[a-zA-Z]+/g, 'nothing_here');
      const tokenFor = async (username: string, password: string): Promise<string> => {
        const l = await call(app, 'POST', '/api/auth/login', {}, { username, password });
        const c = { cookie: `fewbeat_session=${l.cookies[0]!.value}`, csrf: json<{ csrfToken: string }>(l).csrfToken };
        return json<{ token: string }>(await call(app, 'POST', '/api/auth/tokens', c, { name: 'sweep' })).token;
      };
      const roles = {
        clinician: await tokenFor('dr.ada', 'clinician-password-1'),
        admin: await tokenFor('admin', 'admin-password-1'),
      };
      const specs = (Object.values(ROUTES) as RouteSpec[]).sort(
        (a, b) => Number(a === ROUTES.logout) - Number(b === ROUTES.logout),
      );
      for (const spec of specs) {
        const url = sampleUrl(spec);
        if (spec.roles === 'public') continue;
        const anonymous = await call(app, spec.method, url, {}, spec.body ? {} : undefined);
        expect(anonymous.statusCode, `${spec.method} ${spec.url} anonymous`).toBe(401);
        for (const [role, token] of Object.entries(roles)) {
          const res = await call(app, spec.method, url, { token }, spec.body ? {} : undefined);
          const allowed = spec.roles.includes(role as 'admin');
          if (allowed)
            expect([401, 403], `${spec.method} ${spec.url} as ${role}: ${res.body}`).not.toContain(res.statusCode);
          else expect(res.statusCode, `${spec.method} ${spec.url} as ${role}`).toBe(403);
        }
      }
      // A disabled user's logins stop working at once.
      const r = await call(app, 'PATCH', `/api/users/${clinicianId}`, admin, { disabled: true });
      expect(r.statusCode, r.body).toBe(200);
      expect((await call(app, 'GET', '/api/auth/me', clinician)).statusCode).toBe(401);
      await call(app, 'PATCH', `/api/users/${clinicianId}`, admin, {
        disabled: false,
        password: 'clinician-password-2',
      });
    },
  );

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const doc = json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      await call(app, 'GET', '/api/docs/json'),
    );
    expect(doc.openapi).toMatch(/^3\./);
    for (const spec of Object.values(ROUTES) as RouteSpec[]) {
      const path = spec.url.replace(/:([a-zA-Z]+)/g, '{$1}');
      expect(doc.paths[path]?.[spec.method.toLowerCase()], `${spec.method} ${path}`).toBeDefined();
    }
    expect((await call(app, 'GET', '/api/docs')).statusCode).toBeLessThan(400);
  });

  it('rate-limits login attempts from one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (await call(app, 'POST', '/api/auth/login', {}, { username: 'admin', password: 'wrong-password' })).statusCode,
      );
    expect(codes).toContain(429);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(10);
  });
});
