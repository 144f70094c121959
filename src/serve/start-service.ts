import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { removeAbandonedUploads, removeUnreferencedFiles } from './app/cases.js';
import { serveContext, type ServeContext } from './app/context.js';
import { openDatabase } from './db/open-database.js';
import { buildServer, type ServerOptions } from './http/build-server.js';
import { ModelService, type ModelServiceOptions } from './model/model-service.js';
import { ServedArchive } from './model/served-archive.js';
import { BlobStore } from './store/blob-store.js';

export interface ServiceOptions extends ServerOptions, ModelServiceOptions {
  modelDir: string;
  /** `sqlite:PATH` or `postgres://...`; default `sqlite:<dataDir>/fewbeat.db`. */
  databaseUrl?: string | undefined;
  /** Archive index to search (`fewbeat index` with this model); none when absent. */
  archiveDir?: string | undefined;
  /** Folder of the SQLite database, the ECG blob store and uploads in progress. */
  dataDir: string;
  /** Password of the first admin (created when the database has no user); default: a random one, returned once. */
  adminPassword?: string | undefined;
  /**
   * Stored files no case references are removed at start-up once they are this old (ms): an upload
   * killed before its commit leaves such files. @default 10 minutes
   */
  unreferencedFileGraceMs?: number;
}

export interface RunningService {
  app: FastifyInstance;
  ctx: ServeContext;
  /** The first admin's password when this start created it (print it once), else null. */
  createdAdmin: { username: string; password: string } | null;
  close: () => Promise<void>;
}

/**
 * Open everything the service needs, in order: the archive index when given (refused when another
 * model embedded it; loaded on its worker), the model (workers load it; a bad model directory fails here), the database
 * (migrated to the latest version; the model registered in it), the blob store (without the files
 * of uploads killed before their commit), the first admin when there is no user yet, and the HTTP
 * app (not yet listening).
 */
export async function startService(o: ServiceOptions): Promise<RunningService> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const archive = o.archiveDir === undefined ? null : await ServedArchive.open(o.archiveDir, o.modelDir);
  const model = await ModelService.open(o.modelDir, o).catch(async (e: unknown) => {
    await archive?.close();
    throw e;
  });
  try {
    await model.warmUp();
    const database = await openDatabase(o.databaseUrl ?? `sqlite:${join(dataDir, 'fewbeat.db')}`);
    const uploadDir = join(dataDir, 'uploads');
    mkdirSync(uploadDir, { recursive: true });
    removeAbandonedUploads(uploadDir);
    const ctx = serveContext(database, model, new BlobStore(join(dataDir, 'blobs')), uploadDir, archive);
    await removeUnreferencedFiles(ctx, o.unreferencedFileGraceMs ?? 10 * 60_000);
    await ctx.models.registerStart({
      version: model.info.version,
      dir: resolve(o.modelDir),
      classes: model.info.classes,
    });
    let createdAdmin: RunningService['createdAdmin'] = null;
    if ((await ctx.users.count()) === 0) {
      const password = o.adminPassword ?? randomBytes(12).toString('base64url');
      await ctx.users.create({ username: 'admin', displayName: 'Administrator', role: 'admin', password });
      await ctx.audit.append({ userId: null, username: null, action: 'admin_bootstrap', ip: null });
      createdAdmin = { username: 'admin', password };
    }
    const app = await buildServer(ctx, o);
    return {
      app,
      ctx,
      createdAdmin,
      close: async () => {
        await app.close();
        await database.close();
        await model.close();
        await archive?.close();
      },
    };
  } catch (e) {
    await model.close();
    await archive?.close();
    throw e;
  }
}
