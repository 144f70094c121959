import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceClient } from '../../test-utils/service-client.js';
import { tinyModel } from '../../test-utils/tiny-model.js';
import { startService, type RunningService } from '../start-service.js';
import { scratchPostgres, type DatabaseKind } from '../test-support/test-service.js';

/**
 * Twenty clients add an example each to one bank at the same moment, over HTTP on loopback. Every
 * example whose addition was acknowledged must be in the final version, and the versions must be
 * totally ordered: numbered 1..n without a gap or a duplicate, each the one before plus exactly one
 * example, one acknowledged addition and one audit entry per version. On PostgreSQL the clients
 * are split over two servers sharing the database and the file store (the compare-and-set on the
 * bank's version serialises them); on SQLite one server serialises them.
 */
const CLIENTS = 20;

interface Bank {
  id: string;
  version: number;
  examples: Array<{ caseId: string; class: string }>;
}

let tiny: Awaited<ReturnType<typeof tinyModel>>;
beforeAll(async () => {
  tiny = await tinyModel();
});
afterAll(() => tiny?.cleanup());

describe.each<DatabaseKind>(['sqlite', 'postgres'])('concurrent enrolments on %s', (kind) => {
  const servers: RunningService[] = [];
  const clients: ServiceClient[] = [];
  let dataDir = '';
  let dropDatabase: (() => Promise<void>) | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fewbeat-enrol-'));
    const scratch = kind === 'postgres' ? await scratchPostgres() : null;
    dropDatabase = scratch?.drop ?? null;
    const databaseUrl = scratch ? scratch.url : `sqlite:${join(dataDir, 'fewbeat.db')}`;
    for (let i = 0; i < (kind === 'postgres' ? 2 : 1); i++) {
      const svc = await startService({
        modelDir: tiny.modelDir,
        dataDir,
        databaseUrl,
        adminPassword: 'admin-password-1',
        threads: 1,
        logger: false,
        webRoot: null,
      });
      servers.push(svc);
      const address = await svc.app.listen({ port: 0, host: '127.0.0.1' });
      clients.push(await new ServiceClient(address).signIn('admin', 'admin-password-1'));
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged example, one version per addition, numbered without gaps', async () => {
    const first = clients[0] as ServiceClient;
    const caseOf = async (i: number): Promise<{ caseId: string; class: string }> => {
      const r = tiny.records[i % tiny.records.length]!;
      const up = await first.uploadRecord(r, `enrolment ${i}`);
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      return { caseId: up.body.id, class: r.label };
    };
    const seed = [
      { ...(await caseOf(0)), class: 'first class' },
      { ...(await caseOf(1)), class: 'second class' },
    ];
    const created = await first.call<Bank>('POST', '/api/banks', { name: 'shared bank', examples: seed });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const bankId = created.body.id;
    const additions: Array<{ caseId: string; class: string }> = [];
    for (let i = 0; i < CLIENTS; i++) additions.push(await caseOf(i + 2));

    const started = performance.now();
    const answers = await Promise.all(
      additions.map((e, i) => clients[i % clients.length]!.call<Bank>('POST', `/api/banks/${bankId}/examples`, e)),
    );
    const seconds = (performance.now() - started) / 1000;
    const acknowledged = answers.filter((a) => a.status === 201);
    for (const a of answers) expect([201, 409], JSON.stringify(a.body)).toContain(a.status);

    const final = (await first.call<Bank>('GET', `/api/banks/${bankId}`)).body;
    const finalIds = new Set(final.examples.map((e) => e.caseId));
    for (const a of acknowledged)
      expect(finalIds, 'an acknowledged example is in the final version').toContain(a.body.examples.at(-1)!.caseId);

    const versions = acknowledged.map((a) => a.body.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: acknowledged.length }, (_, i) => i + 2));
    expect(final.version).toBe(1 + acknowledged.length);
    const listed = await first.call<{ versions: Array<{ version: number }> }>('GET', `/api/banks/${bankId}/versions`);
    expect(listed.body.versions.map((v) => v.version)).toEqual(
      Array.from({ length: final.version }, (_, i) => final.version - i),
    );
    let previous = (await first.call<Bank>('GET', `/api/banks/${bankId}/versions/1`)).body.examples;
    for (let v = 2; v <= final.version; v++) {
      const current = (await first.call<Bank>('GET', `/api/banks/${bankId}/versions/${v}`)).body.examples;
      expect(current.slice(0, -1), `version ${v} is version ${v - 1} plus one example`).toEqual(previous);
      previous = current;
    }
    const audit = await first.call<{ entries: Array<{ targetId: string; details: { version: number } }> }>(
      'GET',
      '/api/audit?action=bank_change&limit=100',
    );
    const audited = audit.body.entries.filter((e) => e.targetId === bankId).map((e) => e.details.version);
    expect(audited.sort((a, b) => a - b)).toEqual(versions);
    console.log(
      `${kind}: ${CLIENTS} additions at once over ${servers.length} server(s): ${acknowledged.length} acknowledged, ` +
        `${CLIENTS - acknowledged.length} refused as conflicts, versions 2..${final.version}, ${seconds.toFixed(1)} s`,
    );
  });
});
