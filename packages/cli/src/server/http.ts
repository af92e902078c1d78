/**
 * Small HTTP helpers for the local server: errors as values with a status,
 * JSON and text replies with the security headers, size-limited bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Default limit of a request body: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A refusal with an HTTP status, a stable code and a message for people. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Content-Security-Policy of the pages: scripts and styles only from the
 * server itself (no inline scripts, no eval); inline style attributes are
 * allowed because diagram-js positions overlays with them.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Content-Security-Policy of API replies: nothing may run or load. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers every reply carries. */
export function setCommonHeaders(res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Sends a JSON reply (API headers, no caching). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  setCommonHeaders(res, API_CSP);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends text (API headers, no caching); diagrams go out as `text/plain` so a browser never renders them. */
export function sendText(res: ServerResponse, status: number, text: string | Buffer, headers: Record<string, string> = {}): void {
  setCommonHeaders(res, API_CSP);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Sends an error as `{ error, message, …details }`. */
export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { error: error.code, message: error.message, ...error.details });
}

/**
 * Reads a request body up to `limit` bytes. A declared or actual size
 * beyond it is refused before more is read.
 * @throws HttpError 413 when the body is larger than `limit`
 */
export function readBody(req: IncomingMessage, limit: number = DEFAULT_MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'too-large', `The request body is ${declared} bytes; the limit is ${limit}.`, { limit }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(new HttpError(413, 'too-large', `The request body is larger than the limit of ${limit} bytes.`, { limit }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/** Decodes a body as UTF-8 text. @throws HttpError 400 when it is not UTF-8 */
export function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'not-utf8', 'The request body is not UTF-8 text.');
  }
}
