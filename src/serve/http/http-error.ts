/** An error with the HTTP status and machine code it answers with (the message is one line for the user). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} not found`);
export const badRequest = (message: string): HttpError => new HttpError(400, 'bad_request', message);
export const conflict = (message: string): HttpError => new HttpError(409, 'conflict', message);
