/**
 * Reading the workbench's JSON request bodies and query strings: every
 * refusal is a 400 whose message names the field and what was expected.
 * Pure apart from reading the body.
 */
import { HttpError, utf8 } from '../server/http.js';
import type { RequestContext } from '../server/routes.js';

/** A JSON object from a request. */
export type Json = Record<string, unknown>;

/** Refuses a field: 400 `invalid-field` with the field's name in the message and in `field`. */
export function badField(field: string, expected: string): HttpError {
  return new HttpError(400, 'invalid-field', `Field '${field}': ${expected}`, { field });
}

/**
 * Reads the body as a JSON object (an empty body is `{}`).
 * @throws HttpError 400 when it is not JSON or not an object; 413 beyond the size limit
 */
export async function readJson(context: Pick<RequestContext, 'body'>): Promise<Json> {
  const text = utf8(await context.body()).trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'not-json', `The request body is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new HttpError(400, 'not-json', 'The request body must be a JSON object.');
  return value;
}

/** True for a plain JSON object (not an array, not null). Pure. */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A required non-empty string. @throws HttpError 400 naming the field */
export function requiredString(body: Json, field: string, what: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw badField(field, `${what} (a non-empty string).`);
  return value.trim();
}

/** An optional string (absent, null or empty: undefined). @throws HttpError 400 naming the field */
export function optionalString(body: Json, field: string, what: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badField(field, `${what} (a string).`);
  return value.trim() || undefined;
}

/** Optional variables: a JSON object (absent: `{}`). @throws HttpError 400 naming the field */
export function variablesOf(body: Json, field = 'variables'): Json {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw badField(field, 'expected a JSON object of variables, such as { "severity": "normal" }.');
  return value;
}

/** Groups as a list: `["a", "b"]` or `"a, b"` (absent: `[]`). @throws HttpError 400 naming the field */
export function groupsOf(value: unknown, field = 'groups'): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : undefined;
  if (!list || list.some((g) => typeof g !== 'string')) throw badField(field, 'expected group names, as a list of strings or comma-separated text.');
  return [...new Set((list as string[]).map((g) => g.trim()).filter(Boolean))];
}

/**
 * An optional instant from a query parameter: epoch ms or an ISO 8601 date-time.
 * @throws HttpError 400 naming the parameter
 */
export function instantParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value)) throw badField(name, `'${text}' is not a time (epoch ms or ISO 8601, e.g. 2026-11-23T09:00+08:00).`);
  return value;
}

/** Decodes one path segment of a prefix route (`/api/workbench/tasks/<id>/…`). @throws HttpError 400 on bad encoding */
export function decodeSegment(raw: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'bad-path', `The ${what} in the path is not valid percent-encoding.`);
  }
  if (decoded === '' || decoded.includes('\0')) throw new HttpError(400, 'bad-path', `Expected a ${what} in the path.`);
  return decoded;
}
