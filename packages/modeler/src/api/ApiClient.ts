/**
 * The modeler's calls to its server (`sopflow modeler`): every call carries
 * the token from the page URL. See docs/modeler.md for the API.
 */
import type { CalendarsFile } from '../features/calendars/Calendars.js';
import { t } from '../i18n/language.js';

/** A diagram in the served folder. */
export interface DiagramEntry {
  path: string;
  size: number;
  modified: number;
}

/** A refusal or failure of the server, with its status and code. */
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

/** A save refused because the file changed (`changed`), was deleted (`deleted`) or already exists (`exists`); `etag` is the version on disk. */
export class ConflictError extends ApiError {
  constructor(
    code: string,
    message: string,
    readonly etag: string | null,
  ) {
    super(409, code, message);
    this.name = 'ConflictError';
  }
}

/** `a/b c.bpmn` → `a/b%20c.bpmn`: each segment encoded, the slashes kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Calls the server with the token. */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly base = '',
  ) {}

  /** A client with the token of the page URL (`?token=…`). @throws Error when the URL has none */
  static fromLocation(location: Location = window.location): ApiClient {
    const token = new URLSearchParams(location.search).get('token');
    if (!token) throw new Error(t('modeler.no-token'));
    return new ApiClient(token, new URL('.', location.href).pathname.replace(/\/$/, ''));
  }

  private async call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.ok) return response;
    let body: { error?: string; message?: string; etag?: string | null } = {};
    try {
      body = await response.json();
    } catch {
      // not JSON: keep the status
    }
    const message = body.message ?? `${method} ${path}: ${response.status} ${response.statusText}`;
    if (response.status === 409) throw new ConflictError(body.error ?? 'conflict', message, body.etag ?? null);
    throw new ApiError(response.status, body.error ?? 'error', message);
  }

  /** The diagrams of the folder (sub-folders included). */
  async listFiles(): Promise<{ folder: string; files: DiagramEntry[] }> {
    return (await this.call('GET', '/api/files')).json();
  }

  /** A diagram and its version. */
  async readFile(path: string): Promise<{ xml: string; etag: string }> {
    const response = await this.call('GET', `/api/files/${encodePath(path)}`);
    return { xml: await response.text(), etag: response.headers.get('ETag') ?? '' };
  }

  /**
   * Saves a diagram over the version it was loaded as (`{ etag }`), or
   * creates it (`'new'`). Returns the new version.
   * @throws ConflictError when the file changed on disk, was deleted, or (for `'new'`) exists
   */
  async saveFile(path: string, xml: string, version: { etag: string } | 'new'): Promise<{ etag: string }> {
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', ...(version === 'new' ? { 'If-None-Match': '*' } : { 'If-Match': version.etag }) };
    const response = await this.call('PUT', `/api/files/${encodePath(path)}`, { body: xml, headers });
    return { etag: (await response.json()).etag };
  }

  /** The calendars file for a diagram (next to it or in a parent folder). */
  async calendars(forPath?: string): Promise<CalendarsFile> {
    return (await this.call('GET', `/api/calendars${forPath ? `?for=${encodeURIComponent(forPath)}` : ''}`)).json();
  }

  /** The lint configuration: the folder's `.bpmnlintrc`, else `sopflow validate`'s default. */
  async lintConfig(): Promise<{ source: string; config: Record<string, unknown>; error?: string }> {
    return (await this.call('GET', '/api/lint-config')).json();
  }
}
