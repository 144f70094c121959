import type { Generated } from 'kysely';

/**
 * The service's tables, as Kysely sees them (the same on SQLite and PostgreSQL). Times are ISO 8601
 * UTC text, JSON documents are text, flags are 0/1 integers: one representation on both databases.
 * `migrations.ts` creates them.
 */
export interface Db {
  users: UsersTable;
  sessions: SessionsTable;
  blobs: BlobsTable;
  cases: CasesTable;
  banks: BanksTable;
  bank_versions: BankVersionsTable;
  predictions: PredictionsTable;
  reviews: ReviewsTable;
  audit_log: AuditLogTable;
  models: ModelsTable;
}

/** A model the service has run with (registered at every start). */
export interface ModelsTable {
  /** SHA-256 of the model directory (config.json and weights). */
  version: string;
  /** The directory it was last served from. */
  dir: string;
  /** JSON: { base: [...], novel: [...] }. */
  classes: string;
  first_started_at: string;
  last_started_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: 'clinician' | 'admin';
  /** argon2id PHC string. */
  password_hash: string;
  disabled: number;
  created_at: string;
}

/** A login: a browser session (cookie) or a bearer token. The secret is never stored, only its SHA-256. */
export interface SessionsTable {
  id: string;
  token_sha256: string;
  user_id: string;
  kind: 'cookie' | 'token';
  name: string;
  csrf_token: string | null;
  created_at: string;
  expires_at: string;
  revoked: number;
}

/** Files in the content-addressed store (the bytes live in the data folder, named by their SHA-256). */
export interface BlobsTable {
  sha256: string;
  bytes: number;
  created_at: string;
}

export interface CasesTable {
  id: string;
  patient_id: string | null;
  label: string | null;
  /** SHA-256 over the source files (sorted names and their SHA-256): the stored ECG. */
  record_sha256: string;
  /** JSON `recordInfoSchema`. */
  record_info: string;
  /** JSON array of `{ name, sha256, bytes }`. */
  source_files: string;
  /** JSON clinical context. */
  clinical: string;
  /** Sampling rate given for a CSV without a time column. */
  csv_fs: number | null;
  uploaded_by: string;
  created_at: string;
}

export interface BanksTable {
  id: string;
  name: string;
  model_version: string;
  current_version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface BankVersionsTable {
  bank_id: string;
  version: number;
  /** JSON array of `{ caseId, class }`. */
  examples: string;
  /** The enrolled `PrototypeBank` JSON. */
  bank_json: string;
  change: string;
  created_by: string;
  created_at: string;
}

export interface PredictionsTable {
  id: string;
  case_id: string;
  bank_id: string;
  bank_version: number;
  model_version: string;
  input_sha256: string;
  /** The predicted class, or `unknown` when abstained (also in `result`; here for lists). */
  predicted: string;
  abstained: number;
  /** JSON: the model's answer (probabilities, abstention, nearest examples, explanation, ...). */
  result: string;
  user_id: string;
  created_at: string;
}

export interface ReviewsTable {
  id: string;
  prediction_id: string;
  case_id: string;
  verdict: 'confirmed' | 'corrected';
  final_class: string;
  note: string;
  user_id: string;
  created_at: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: string;
  user_id: string | null;
  username: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  /** JSON object; never patient identifiers (names, record ids, birth dates). */
  details: string;
}
