import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModel } from '../test-utils/tiny-model.js';
import { call, json, uploadRecord, type Caller } from './test-support/inject.js';
import { testService, type DatabaseKind } from './test-support/test-service.js';

let tiny: Awaited<ReturnType<typeof tinyModel>>;
beforeAll(async () => {
  tiny = await tinyModel();
});
afterAll(() => tiny?.cleanup());

describe.each<DatabaseKind>(['sqlite', 'postgres'])('accounts and models on %s', (kind) => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let app: FastifyInstance;
  const admin: Caller = {};
  const clinician: Caller = {};

  const login = async (username: string, password: string): Promise<Caller> => {
    const r = await call(app, 'POST', '/api/auth/login', {}, { username, password });
    expect(r.statusCode, r.body).toBe(200);
    return {
      cookie: `fewbeat_session=${r.cookies.find((c) => c.name === 'fewbeat_session')!.value}`,
      csrf: json<{ csrfToken: string }>(r).csrfToken,
    };
  };
  const auditActions = async (): Promise<Array<{ action: string; username: string | null; targetId: string }>> =>
    json<{ entries: Array<{ action: string; username: string | null; targetId: string }> }>(
      await call(app, 'GET', '/api/audit?limit=1000', admin),
    ).entries;

  beforeAll(async () => {
    svc = await testService(kind, tiny.modelDir);
    app = svc.app;
    Object.assign(admin, await login('admin', 'admin-password-1'));
    const made = await call(app, 'POST', '/api/users', admin, {
      username: 'dr.bo',
      displayName: 'Dr Bo',
      role: 'clinician',
      password: 'clinician-password-1',
    });
    expect(made.statusCode, made.body).toBe(201);
    Object.assign(clinician, await login('dr.bo', 'clinician-password-1'));
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('lets a user change their own password only with the current one, which ends their other logins', async () => {
    const other = await login('dr.bo', 'clinician-password-1');
    const tok = await call(app, 'POST', '/api/auth/tokens', clinician, { name: 'script' });
    const token = { token: json<{ token: string }>(tok).token };
    const change = { currentPassword: 'clinician-password-1', newPassword: 'clinician-password-2' };

    expect((await call(app, 'POST', '/api/auth/password', {}, change)).statusCode).toBe(401);
    const noCsrf = await call(app, 'POST', '/api/auth/password', { cookie: clinician.cookie }, change);
    expect(json<{ error: string }>(noCsrf).error).toBe('csrf');
    const wrong = await call(app, 'POST', '/api/auth/password', clinician, {
      ...change,
      currentPassword: 'guess-1234',
    });
    expect(wrong.statusCode).toBe(403);
    expect(json<{ error: string }>(wrong).error).toBe('wrong_password');
    const short = await call(app, 'POST', '/api/auth/password', clinician, { ...change, newPassword: 'short' });
    expect(short.statusCode).toBe(400);
    expect(json<{ message: string }>(short).message).toMatch(/newPassword/);
    const same = await call(app, 'POST', '/api/auth/password', clinician, {
      ...change,
      newPassword: 'clinician-password-1',
    });
    expect(same.statusCode).toBe(400);

    const done = await call(app, 'POST', '/api/auth/password', clinician, change);
    expect(done.statusCode, done.body).toBe(204);
    // This login goes on; the user's other browser session and token end; only the new password signs in.
    expect((await call(app, 'GET', '/api/auth/me', clinician)).statusCode).toBe(200);
    expect((await call(app, 'GET', '/api/auth/me', other)).statusCode).toBe(401);
    expect((await call(app, 'GET', '/api/auth/me', token)).statusCode).toBe(401);
    const old = await call(app, 'POST', '/api/auth/login', {}, { username: 'dr.bo', password: 'clinician-password-1' });
    expect(old.statusCode).toBe(401);
    await login('dr.bo', 'clinician-password-2');

    const log = await auditActions();
    const mine = log.filter((e) => e.username === 'dr.bo').map((e) => e.action);
    expect(mine).toContain('password_change');
    expect(mine).toContain('password_change_failed');
    // Neither password reaches the log.
    expect(JSON.stringify(log)).not.toMatch(/clinician-password/);
  });

  it('lets an admin change their own password the same way', async () => {
    const r = await call(app, 'POST', '/api/auth/password', admin, {
      currentPassword: 'admin-password-1',
      newPassword: 'admin-password-2',
    });
    expect(r.statusCode, r.body).toBe(204);
    await login('admin', 'admin-password-2');
  });

  it('lists the models the service knows to admins, the active one first, with their banks', async () => {
    const anonymous = await call(app, 'GET', '/api/models');
    expect(anonymous.statusCode).toBe(401);
    const asClinician = await call(app, 'GET', '/api/models', clinician);
    expect(asClinician.statusCode).toBe(403);

    // A model this database served before (as after an upgrade of the model directory).
    await svc.ctx.models.registerStart({
      version: 'f'.repeat(64),
      dir: '/models/previous',
      classes: { base: ['nsr'], novel: ['jet'] },
    });
    // One bank enrolled with the active model.
    const examples: Array<{ caseId: string; class: string }> = [];
    for (const label of ['jet', 'vt'])
      for (const r of tiny.records.filter((x) => x.label === label).slice(0, 2)) {
        const up = await uploadRecord(app, clinician, r);
        expect(up.statusCode, up.body).toBe(201);
        examples.push({ caseId: json<{ id: string }>(up).id, class: label });
      }
    const bank = await call(app, 'POST', '/api/banks', clinician, { name: 'two rhythms', examples });
    expect(bank.statusCode, bank.body).toBe(201);

    const res = await call(app, 'GET', '/api/models', admin);
    expect(res.statusCode, res.body).toBe(200);
    const { models } = json<{
      models: Array<{
        version: string;
        active: boolean;
        dir: string | null;
        classes: { novel: string[] } | null;
        banks: number;
        lastStartedAt: string | null;
      }>;
    }>(res);
    expect(models.map((m) => [m.version, m.active])).toEqual([
      [svc.ctx.model.info.version, true],
      ['f'.repeat(64), false],
    ]);
    expect(models[0]).toMatchObject({ banks: 1, classes: svc.ctx.model.info.classes });
    expect(models[0]!.dir).toMatch(/./);
    expect(models[0]!.lastStartedAt).toMatch(/^\d{4}-/);
    expect(models[1]).toMatchObject({ dir: '/models/previous', banks: 0 });
    const log = await auditActions();
    expect(log.find((e) => e.action === 'model_list')?.username).toBe('admin');
  });

  it('rate-limits password changes from one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push(
        (
          await call(app, 'POST', '/api/auth/password', clinician, {
            currentPassword: 'wrong-password',
            newPassword: 'whatever-password-3',
          })
        ).statusCode,
      );
    expect(codes).toContain(429);
    expect(codes.filter((c) => c === 403).length).toBeLessThanOrEqual(10);
  });
});
