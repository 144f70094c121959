import type {
  Analysis,
  ArchiveInfo,
  ArchiveSearch,
  ArchiveSearchBody,
  AuditList,
  Bank,
  BankList,
  BankVersions,
  Case,
  CaseList,
  ModelInfo,
  Prediction,
  PredictionList,
  ReviewBody,
  ReviewResult,
  SessionInfo,
  Waveform,
} from './types';

/** An answer other than 2xx: the service's one-line message, its code and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;

/** Remembers the CSRF token of the cookie session; sent as `x-csrf-token` on every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

async function toError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: string; message?: string };
    if (body.error) code = body.error;
    if (body.message) message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message);
}

/** One JSON call to the service (same origin only). */
export async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

const q = (params: Record<string, string | number | undefined>) => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};
const enc = encodeURIComponent;

export const api = {
  login: (username: string, password: string) => call<SessionInfo>('POST', '/api/auth/login', { username, password }),
  logout: () => call<void>('POST', '/api/auth/logout'),
  me: () => call<SessionInfo>('GET', '/api/auth/me'),
  model: () => call<ModelInfo>('GET', '/api/model'),
  cases: (params: { q?: string; limit?: number; offset?: number }) => call<CaseList>('GET', `/api/cases${q(params)}`),
  case: (id: string) => call<Case>('GET', `/api/cases/${enc(id)}`),
  waveform: (id: string, maxSamples = 20000) =>
    call<Waveform>('GET', `/api/cases/${enc(id)}/waveform${q({ maxSamples })}`),
  analysis: (id: string) => call<Analysis>('GET', `/api/cases/${enc(id)}/analysis`),
  predictions: (id: string) => call<PredictionList>('GET', `/api/cases/${enc(id)}/predictions`),
  predict: (id: string, bankId: string) =>
    call<Prediction>('POST', `/api/cases/${enc(id)}/predictions`, { bankId, nearest: 3, explain: true }),
  review: (predictionId: string, body: ReviewBody) =>
    call<ReviewResult>('POST', `/api/predictions/${enc(predictionId)}/review`, body),
  banks: () => call<BankList>('GET', '/api/banks'),
  bank: (id: string) => call<Bank>('GET', `/api/banks/${enc(id)}`),
  bankVersions: (id: string) => call<BankVersions>('GET', `/api/banks/${enc(id)}/versions`),
  createBank: (name: string, examples: { caseId: string; class: string }[]) =>
    call<Bank>('POST', '/api/banks', { name, examples }),
  addExample: (bankId: string, caseId: string, cls: string) =>
    call<Bank>('POST', `/api/banks/${enc(bankId)}/examples`, { caseId, class: cls }),
  relabelExample: (bankId: string, caseId: string, cls: string) =>
    call<Bank>('PATCH', `/api/banks/${enc(bankId)}/examples/${enc(caseId)}`, { class: cls }),
  removeExample: (bankId: string, caseId: string) =>
    call<Bank>('DELETE', `/api/banks/${enc(bankId)}/examples/${enc(caseId)}`),
  archive: () => call<ArchiveInfo>('GET', '/api/archive'),
  searchArchive: (body: ArchiveSearchBody) => call<ArchiveSearch>('POST', '/api/archive/search', body),
  /** Where the browser downloads a search's hits as a cohort manifest (a plain link: the cookie signs it). */
  archiveCohortUrl: (p: { bankId: string; bankVersion: number; className: string; top: number }) =>
    `/api/archive/cohort.csv${q(p)}`,
  audit: (params: { action?: string; userId?: string; limit?: number; offset?: number }) =>
    call<AuditList>('GET', `/api/audit${q(params)}`),
};

/**
 * Uploads one record (several files) with its form fields as multipart/form-data, reporting progress
 * (XMLHttpRequest, because fetch cannot report upload progress).
 */
export function uploadCase(
  files: readonly File[],
  fields: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<Case> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append('files', f, f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/cases');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      const body = xhr.response as (Case & { error?: string; message?: string }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
      else reject(new ApiError(xhr.status, body?.error ?? `http_${xhr.status}`, body?.message ?? xhr.statusText));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'the service did not answer')));
    xhr.send(form);
  });
}
