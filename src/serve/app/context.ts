import type { ServiceDatabase } from '../db/open-database.js';
import type { ModelService } from '../model/model-service.js';
import type { ServedArchive } from '../model/served-archive.js';
import { AuditLog } from '../store/audit-log.js';
import { BankStore } from '../store/banks.js';
import type { BlobStore } from '../store/blob-store.js';
import { CaseStore } from '../store/cases.js';
import { ModelStore } from '../store/models.js';
import { PredictionStore } from '../store/predictions.js';
import { SessionStore } from '../store/sessions.js';
import { UserStore } from '../store/users.js';

/** Everything a request handler works with: the database's stores, the blob store, the model and the archive. */
export interface ServeContext {
  database: ServiceDatabase;
  model: ModelService;
  /** The archive index searched (`--archive`), or null. */
  archive: ServedArchive | null;
  blobs: BlobStore;
  /** Folder for uploads in progress (same file system as the blob store, so adopting a file is a rename). */
  uploadDir: string;
  users: UserStore;
  sessions: SessionStore;
  audit: AuditLog;
  cases: CaseStore;
  banks: BankStore;
  predictions: PredictionStore;
  models: ModelStore;
}

export function serveContext(
  database: ServiceDatabase,
  model: ModelService,
  blobs: BlobStore,
  uploadDir: string,
  archive: ServedArchive | null = null,
): ServeContext {
  const { db } = database;
  return {
    database,
    model,
    archive,
    blobs,
    uploadDir,
    users: new UserStore(db),
    sessions: new SessionStore(db),
    audit: new AuditLog(db),
    cases: new CaseStore(db),
    banks: new BankStore(db),
    predictions: new PredictionStore(db),
    models: new ModelStore(db),
  };
}
