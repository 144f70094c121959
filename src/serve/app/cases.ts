import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { FewbeatError, isFewbeatError } from '../../errors.js';
import { isRunning } from '../../util/atomic-write.js';
import type { Case, CaseSummary } from '../api/schemas.js';
import { caseUploadFieldsSchema, clinicalContextSchema } from '../api/schemas.js';
import { HttpError, notFound } from '../http/http-error.js';
import { recordEntry } from '../model/stored-record.js';
import type { RecordRef } from '../model/worker-protocol.js';
import type { Actor } from '../store/audit-log.js';
import { recordSha256 } from '../store/blob-store.js';
import type { CaseRow } from '../store/cases.js';
import { newId, nowIso } from '../store/ids.js';
import type { ServeContext } from './context.js';

/** One part of a multipart upload, as the HTTP layer hands it over. */
export type UploadPart =
  | { kind: 'file'; filename: string; stream: Readable; truncated: () => boolean }
  | { kind: 'field'; name: string; value: string };

/** The stored ECG of a case, as the model workers open it. */
export function recordRefOf(ctx: ServeContext, c: CaseRow): RecordRef {
  const files = JSON.parse(c.source_files) as Array<{ name: string; sha256: string }>;
  return {
    sha256: c.record_sha256,
    files: files.map((f) => ({ name: f.name, path: ctx.blobs.pathOf(f.sha256) })),
    fs: c.csv_fs,
  };
}

export const clinicalOf = (c: CaseRow): Record<string, unknown> => JSON.parse(c.clinical) as Record<string, unknown>;

/** A file name as stored: its base name, only when it is a plain name (no control characters, not hidden). */
function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'));
  if (!/^[A-Za-z0-9][A-Za-z0-9._ ()+-]{0,199}$/.test(base))
    throw new HttpError(
      400,
      'bad_upload',
      `file name ${JSON.stringify(base.slice(0, 60))}: use letters, digits and . _ - only`,
    );
  return base;
}

/** Uploads in progress are folders `upload-<host>-<pid>-<random>`: whose they are, should their process die. */
const UPLOAD_FOLDER = /^upload-(.+)-(\d+)-[A-Za-z0-9]{6}$/;
const thisHost = (): string => hostname().replace(/[^A-Za-z0-9.]/g, '_');

/**
 * Remove the folders of uploads that a process of this host, no longer running, left behind (a
 * server killed mid-upload): their files were never stored and no case refers to them. Folders of
 * live processes and of other hosts sharing the data folder are kept. Returns how many went.
 */
export function removeAbandonedUploads(uploadDir: string): number {
  let removed = 0;
  for (const name of readdirSync(uploadDir)) {
    const m = UPLOAD_FOLDER.exec(name);
    if (m && m[1] === thisHost() && !isRunning(Number(m[2]))) {
      rmSync(join(uploadDir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Remove stored files that no `blobs` row lists: left by an upload killed between moving its files
 * into the store and committing its case (its files are complete but nobody references them). Only
 * files older than `graceMs` go, so that an upload in progress on another server sharing the store
 * keeps its files until its commit (an upload ends within the model's task timeout). Returns how many
 * were removed.
 */
export async function removeUnreferencedFiles(ctx: ServeContext, graceMs: number): Promise<number> {
  const candidates = ctx.blobs.storedBefore(graceMs);
  const known = await ctx.cases.knownBlobs(candidates);
  const orphans = candidates.filter((h) => !known.has(h));
  for (const h of orphans) ctx.blobs.remove(h);
  return orphans.length;
}

/**
 * Store an uploaded case: the parts are streamed to a private temporary folder (hashing as they
 * come), the record is read with the project's readers and the clinical context checked against the
 * model's schema in a model worker (bounded time and memory), and only then are the files moved into
 * the content-addressed store and the case written with its audit entry, in one transaction. A
 * refused upload leaves nothing behind.
 */
export async function uploadCase(ctx: ServeContext, parts: AsyncIterable<UploadPart>, user: Actor): Promise<CaseRow> {
  const dir = mkdtempSync(join(ctx.uploadDir, `upload-${thisHost()}-${process.pid}-`));
  const adopted: string[] = [];
  try {
    const files: Array<{ name: string; sha256: string; bytes: number; temp: string }> = [];
    const fields: Record<string, string> = {};
    for await (const part of parts) {
      if (part.kind === 'field') {
        if (part.name in fields) throw new HttpError(400, 'bad_upload', `field ${part.name} given twice`);
        fields[part.name] = part.value;
        continue;
      }
      const name = safeFileName(part.filename);
      if (files.some((f) => f.name === name)) throw new HttpError(400, 'bad_upload', `file ${name} given twice`);
      const temp = join(dir, `part-${files.length}`);
      const hash = createHash('sha256');
      let bytes = 0;
      const tap = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(part.stream, tap, createWriteStream(temp));
      if (part.truncated()) throw new HttpError(413, 'too_large', `file ${name} is larger than the upload limit`);
      files.push({ name, sha256: hash.digest('hex'), bytes, temp });
    }
    const parsedFields = caseUploadFieldsSchema.safeParse(fields);
    if (!parsedFields.success) {
      const issue = parsedFields.error.issues[0];
      throw new HttpError(400, 'bad_upload', `field ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
    }
    const known = new Set(['clinical', 'patientId', 'label', 'fs']);
    const unknown = Object.keys(fields).find((k) => !known.has(k));
    if (unknown !== undefined) throw new HttpError(400, 'bad_upload', `unknown field ${unknown}`);
    const f = parsedFields.data;
    let clinical: Record<string, unknown> = {};
    if (f.clinical !== undefined && f.clinical.trim() !== '') {
      let json: unknown;
      try {
        json = JSON.parse(f.clinical);
      } catch (e) {
        throw new HttpError(400, 'bad_upload', `field clinical: not valid JSON: ${(e as Error).message}`);
      }
      const parsed = clinicalContextSchema.safeParse(json);
      if (!parsed.success) throw new HttpError(400, 'bad_upload', 'field clinical: expected a JSON object of fields');
      clinical = parsed.data;
    }
    const csvFs = f.fs === undefined || f.fs === '' ? null : Number(f.fs);
    if (csvFs !== null && !(Number.isFinite(csvFs) && csvFs > 0 && csvFs <= 100_000))
      throw new HttpError(400, 'bad_upload', `field fs: expected a sampling rate in Hz, got ${JSON.stringify(f.fs)}`);
    if (files.length === 0) throw new HttpError(400, 'bad_upload', 'no file: attach the ECG record as "files" parts');
    let format: string;
    try {
      format = recordEntry(files.map((x) => x.name)).format;
    } catch (e) {
      if (isFewbeatError(e)) throw new HttpError(400, 'bad_upload', e.message);
      throw e;
    }
    const sha = recordSha256(files);
    const temporary: RecordRef = {
      sha256: `upload:${sha}`,
      files: files.map((x) => ({ name: x.name, path: x.temp })),
      fs: csvFs,
    };
    let info;
    try {
      info = await ctx.model.inspect(temporary, format, clinical);
    } catch (e) {
      if (e instanceof FewbeatError) throw new HttpError(400, 'bad_upload', e.message);
      throw e;
    }
    for (const x of files) if (ctx.blobs.adopt(x.temp, x.sha256)) adopted.push(x.sha256);
    const row = {
      id: newId('case'),
      patient_id: f.patientId?.trim() || null,
      label: f.label?.trim() || null,
      record_sha256: sha,
      record_info: JSON.stringify(info),
      source_files: JSON.stringify(files.map((x) => ({ name: x.name, sha256: x.sha256, bytes: x.bytes }))),
      clinical: JSON.stringify(clinical),
      csv_fs: csvFs,
      uploaded_by: user.id,
      created_at: nowIso(),
    };
    await ctx.cases.insert(row, files, {
      userId: user.id,
      username: user.username,
      action: 'upload',
      targetType: 'case',
      targetId: row.id,
      ip: user.ip,
      details: { files: files.length, format: info.format, recordSha256: sha },
    });
    adopted.length = 0;
    return { ...row, uploader_username: user.username };
  } finally {
    // Files this upload added to the store but no case references (the insert failed) go again.
    for (const sha of adopted) ctx.blobs.remove(sha);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Case rows as the API's summaries (with the latest prediction and review). */
export async function summaries(ctx: ServeContext, rows: readonly CaseRow[]): Promise<CaseSummary[]> {
  const outcomes = await ctx.cases.latestOutcomes(rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patient_id,
    label: r.label,
    recordSha256: r.record_sha256,
    record: JSON.parse(r.record_info) as CaseSummary['record'],
    uploadedBy: { id: r.uploaded_by, username: r.uploader_username },
    createdAt: r.created_at,
    latestPrediction: outcomes.get(r.id)?.prediction ?? null,
    reviewed: outcomes.get(r.id)?.reviewed ?? null,
  }));
}

export async function caseOf(ctx: ServeContext, id: string): Promise<CaseRow> {
  const row = await ctx.cases.get(id);
  if (!row) throw notFound(`case ${id}`);
  return row;
}

/** The full case: summary, source files, clinical context and the same patient's earlier cases. */
export async function fullCase(ctx: ServeContext, row: CaseRow): Promise<Case> {
  const [summary] = await summaries(ctx, [row]);
  const earlier = await summaries(ctx, await ctx.cases.earlier(row));
  return {
    ...(summary as CaseSummary),
    sourceFiles: JSON.parse(row.source_files) as Case['sourceFiles'],
    clinical: clinicalOf(row) as Case['clinical'],
    earlierCases: earlier,
  };
}
