import { readFileSync } from 'node:fs';
import { multipartBody } from '../serve/test-support/multipart.js';
import type { TinyRecord } from './tiny-model.js';

/** An answer of the service: HTTP status and the parsed JSON body (the text when it is not JSON). */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

/**
 * A client of a listening `fewbeat serve` over real HTTP (loopback), signed in with a bearer token
 * (no CSRF token needed). A request the server never answered (the connection was reset or refused)
 * rejects, which is how the kill tests tell an acknowledged write from one that was not.
 */
export class ServiceClient {
  constructor(
    readonly base: string,
    readonly token: string | null = null,
  ) {}

  withToken(token: string): ServiceClient {
    return new ServiceClient(this.base, token);
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  private static async answer<T>(res: Response): Promise<Answer<T>> {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: body as T };
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return ServiceClient.answer<T>(res);
  }

  /** Upload one record's files with form fields (`clinical`, `patientId`, `label`, `fs`). */
  async upload<T = { id: string }>(
    files: ReadonlyArray<{ name: string; content: Buffer | string }>,
    fields: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const { payload, headers } = multipartBody(files, fields);
    const res = await fetch(`${this.base}/api/cases`, {
      method: 'POST',
      headers: this.headers(headers),
      body: payload,
    });
    return ServiceClient.answer<T>(res);
  }

  /** Upload a record of the tiny cohort with its age and sex, under the given label. */
  uploadRecord(r: TinyRecord, label: string): Promise<Answer<{ id: string }>> {
    return this.upload(
      r.files.map((f) => ({ name: f.name, content: readFileSync(f.path) })),
      { clinical: JSON.stringify({ age_years: r.ageYears, sex: r.sex }), label },
    );
  }

  /** Sign in as a user and return a client with a new bearer token of theirs. */
  async signIn(username: string, password: string): Promise<ServiceClient> {
    const login = await fetch(`${this.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (login.status !== 200) throw new Error(`login as ${username}: ${login.status} ${await login.text()}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const made = await fetch(`${this.base}/api/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'test client', days: 30 }),
    });
    if (made.status !== 201) throw new Error(`token for ${username}: ${made.status} ${await made.text()}`);
    return this.withToken(((await made.json()) as { token: string }).token);
  }
}
