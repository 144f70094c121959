import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliForChildProcess } from '../../test-utils/cli-process.js';
import { checkServiceDatabase } from '../../test-utils/service-database-check.js';
import { ServiceClient, type Answer } from '../../test-utils/service-client.js';
import { startServeProcess, type ServeProcess } from '../../test-utils/serve-process.js';
import { tinyModel, type TinyRecord } from '../../test-utils/tiny-model.js';
import { Rng } from '../../util/rng.js';
import { openDatabase } from '../db/open-database.js';
import { scratchPostgres, type DatabaseKind } from '../test-support/test-service.js';

/**
 * `fewbeat serve`, started as the command line starts it, is killed with SIGKILL at seeded moments
 * while clients upload cases and add and remove bank examples, then started again. After each
 * restart the database passes the engine's integrity check and the service's consistency checks
 * (src/test-utils/service-database-check.ts), every acknowledged write is there as it was
 * acknowledged, and no write is half there: a case has all its files, a bank version all its rows,
 * every stored change its audit entry (acknowledged or not), and no upload folder is left behind.
 * `SERVE_KILLS` kills per database (default 10, so 20 in all; `npm run test:serve-kill` runs 20 each).
 */
const KILLS = Number(process.env.SERVE_KILLS ?? 10);
/** Clients uploading cases, and clients each adding and removing its own case in the one bank. */
const UPLOADERS = 2;
const EDITORS = 2;
const ADMIN_PASSWORD = 'admin-password-1';

type Outcome<T> = { answered: true; answer: Answer<T> } | { answered: false };
async function attempt<T>(request: () => Promise<Answer<T>>): Promise<Outcome<T>> {
  try {
    return { answered: true, answer: await request() };
  } catch {
    return { answered: false };
  }
}

interface BankAnswer {
  id: string;
  version: number;
  examples: Array<{ caseId: string; class: string }>;
}

let tiny: Awaited<ReturnType<typeof tinyModel>>;
let cli: { root: string; bin: string };
beforeAll(async () => {
  [tiny, cli] = await Promise.all([tinyModel(), buildCliForChildProcess()]);
}, 300_000);
afterAll(() => {
  tiny?.cleanup();
  if (cli) rmSync(cli.root, { recursive: true, force: true });
});

describe.each<DatabaseKind>(['sqlite', 'postgres'])('fewbeat serve killed with SIGKILL on %s', (kind) => {
  let dataDir = '';
  let databaseUrl = '';
  let dropDatabase: (() => Promise<void>) | null = null;
  let server: ServeProcess | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fewbeat-kill-'));
    const scratch = kind === 'postgres' ? await scratchPostgres() : null;
    dropDatabase = scratch?.drop ?? null;
    databaseUrl = scratch ? scratch.url : `sqlite:${join(dataDir, 'fewbeat.db')}`;
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (): Promise<ServeProcess> =>
    startServeProcess(cli.bin, { model: tiny.modelDir, data: dataDir, db: databaseUrl, adminPassword: ADMIN_PASSWORD });

  it(`keeps every acknowledged upload and bank edit, audited, and nothing half written: ${KILLS} kills`, async () => {
    const rng = new Rng(kind === 'sqlite' ? 11 : 12);
    const acknowledgedCases = new Map<string, { label: string }>();
    const acknowledgedVersions = new Map<number, BankAnswer['examples']>();
    const figures = { uploads: 0, edits: 0, unanswered: 0, refused: 0, unreferencedFiles: 0 };
    const restartMs: number[] = [];
    const pick = (): TinyRecord => tiny.records[rng.int(0, tiny.records.length - 1)]!;

    server = await start();
    const admin = await new ServiceClient(server.base).signIn('admin', ADMIN_PASSWORD);
    const seed = [];
    for (const label of ['nsr', 'chb']) {
      const r = tiny.records.find((x) => x.label === label)!;
      const up = await admin.uploadRecord(r, `seed ${label}`);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      seed.push({ caseId: up.body.id, class: label });
    }
    const created = await admin.call<BankAnswer>('POST', '/api/banks', { name: 'ward bank', examples: seed });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bankId = created.body.id;
    acknowledgedVersions.set(1, created.body.examples);
    const editable = [];
    for (let e = 0; e < EDITORS; e++) {
      const r = tiny.records[10 + e]!;
      const up = await admin.uploadRecord(r, `editable ${e}`);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      editable.push({ caseId: up.body.id, class: r.label });
    }

    for (let k = 0; k < KILLS; k++) {
      const client = new ServiceClient(server.base, admin.token);
      let stopped = false;
      const note = <T>(o: Outcome<T>, ok: number): Answer<T> | null => {
        if (!o.answered) {
          figures.unanswered++;
          return null;
        }
        if (o.answer.status !== ok) {
          figures.refused++;
          expect(o.answer.status, JSON.stringify(o.answer.body)).toBeLessThan(500);
          return null;
        }
        return o.answer;
      };
      const uploader = async (w: number): Promise<void> => {
        for (let n = 0; !stopped; n++) {
          const label = `kill ${k} uploader ${w} upload ${n}`;
          const up = note(await attempt(() => client.uploadRecord(pick(), label)), 201);
          if (!up) return;
          acknowledgedCases.set(up.body.id, { label });
          figures.uploads++;
        }
      };
      /** Adds its own case to the bank, removes it again, and so on (where the last kill left it). */
      const editor = async (own: { caseId: string; class: string }): Promise<void> => {
        const now = await attempt(() => client.call<BankAnswer>('GET', `/api/banks/${bankId}`));
        let inBank = now.answered && now.answer.body.examples.some((e) => e.caseId === own.caseId);
        while (!stopped) {
          const edit = await attempt(() =>
            inBank
              ? client.call<BankAnswer>('DELETE', `/api/banks/${bankId}/examples/${own.caseId}`)
              : client.call<BankAnswer>('POST', `/api/banks/${bankId}/examples`, own),
          );
          const done = note(edit, inBank ? 200 : 201);
          if (!done) return;
          acknowledgedVersions.set(done.body.version, done.body.examples);
          figures.edits++;
          inBank = !inBank;
        }
      };
      const workers = [...Array.from({ length: UPLOADERS }, (_, w) => uploader(w)), ...editable.map(editor)];
      await new Promise((r) => setTimeout(r, rng.uniform(300, 3000)));
      server.child.kill('SIGKILL');
      expect((await server.exited).signal).toBe('SIGKILL');
      stopped = true;
      await Promise.all(workers);

      const restarted = performance.now();
      server = await start();
      restartMs.push(performance.now() - restarted);
      const database = await openDatabase(databaseUrl);
      try {
        const check = await checkServiceDatabase(database, join(dataDir, 'blobs'));
        expect(check.problems, `after kill ${k + 1}`).toEqual([]);
        const uploadsLeft = readdirSync(join(dataDir, 'uploads'));
        expect(uploadsLeft, 'folders of uploads cut off by the kill are removed at start').toEqual([]);
        figures.unreferencedFiles = Math.max(figures.unreferencedFiles, check.unreferencedFiles);
        expect(check.unauditedChanges, 'changes stored without their audit entry').toBe(0);
        const { db } = database;
        const cases = new Map(
          (await db.selectFrom('cases').select(['id', 'label']).execute()).map((c) => [c.id, c.label]),
        );
        const audit = await db.selectFrom('audit_log').select(['action', 'target_id', 'details']).execute();
        const uploadAudits = new Set(audit.filter((a) => a.action === 'upload').map((a) => a.target_id));
        for (const [id, c] of acknowledgedCases) {
          expect(cases.get(id), `acknowledged case ${id}`).toBe(c.label);
          expect(uploadAudits, `audit of the upload of ${id}`).toContain(id);
        }
        const versionAudits = new Set(
          audit
            .filter((a) => a.action === 'bank_change' && a.target_id === bankId)
            .map((a) => (JSON.parse(a.details) as { version: number }).version),
        );
        for (const [version, examples] of acknowledgedVersions) {
          const stored = await db
            .selectFrom('bank_versions')
            .select('examples')
            .where('bank_id', '=', bankId)
            .where('version', '=', version)
            .executeTakeFirst();
          expect(stored && JSON.parse(stored.examples), `acknowledged bank version ${version}`).toEqual(examples);
          if (version > 1) expect(versionAudits, `audit of bank version ${version}`).toContain(version);
        }
        if (k === KILLS - 1) {
          const seconds = restartMs.map((ms) => (ms / 1000).toFixed(1));
          console.log(
            `${kind}: ${KILLS} kills; acknowledged ${figures.uploads} uploads and ${figures.edits} bank edits, ` +
              `all present and audited; ${figures.unanswered} requests cut off, ${figures.refused} refused; ` +
              `database ${check.cases} cases, ${check.bankVersions} bank versions, ${check.engineCheck}, ` +
              `${check.problems.length} problems, no upload folder left; at most ` +
              `${figures.unreferencedFiles} unreferenced stored files, no change without its audit entry; ` +
              `restarts ${seconds.join(', ')} s`,
          );
        }
      } finally {
        await database.close();
      }
    }
  }, 600_000);
});
