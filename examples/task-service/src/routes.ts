/**
 * The service's HTTP API (JSON in, JSON out):
 *
 * | request | reply |
 * |---|---|
 * | `GET /health` | `{ ok, now }` |
 * | `GET /tasks` | `{ tasks }`: the open tasks of the caller — assigned to them, offered to them, or to one of their groups |
 * | `POST /tasks/<id>/complete` `{ variables }` | `{ completed }`; 403 when the task is not the caller's |
 * | `POST /cases` `{ processId, businessKey?, variables? }` | 201 `{ id, status }` |
 * | `GET /cases/<id>` | the case: status, variables, what it waits at |
 * | `POST /messages/<name>` `{ key?, variables? }` | `{ correlated, started }`; 404 when nothing waits for it |
 *
 * The caller is named by the `X-User` and `X-Groups` headers, which the
 * authenticating proxy in front of the service sets. Errors are
 * `{ error, message }`, 400 for bad input (naming the field).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SopflowError, type Engine, type TaskRow, type Variables } from '@sopflow/engine';

/** A refusal with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 1024 * 1024;

const STATUS_OF: Readonly<Record<string, number>> = {
  'task.not-assignable': 403,
  'access.forbidden': 403,
  'message.correlation': 404,
  'variables.invalid': 400,
};

/** The caller, from the proxy's headers. @throws HttpError 401 without X-User */
export function caller(req: IncomingMessage): { id: string; groups: string[] } {
  const id = String(req.headers['x-user'] ?? '').trim();
  if (!id) throw new HttpError(401, 'no-user', 'Send the caller as X-User (and their groups as X-Groups: a, b).');
  const groups = String(req.headers['x-groups'] ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return { id, groups };
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'too-large', `The body is larger than ${MAX_BODY} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'not-json', 'The body is not JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'not-json', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

function variables(input: Record<string, unknown>): Variables {
  const value = input.variables ?? {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'bad-field', "Field 'variables': expected a JSON object.");
  return value as Variables;
}

function text(input: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') {
    if (required) throw new HttpError(400, 'bad-field', `Field '${field}': required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new HttpError(400, 'bad-field', `Field '${field}': expected a string.`);
  return value;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const json = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), 'Cache-Control': 'no-store' });
  res.end(json);
}

/** The caller's open tasks: assigned to them, offered to them, or to one of their groups (unclaimed), oldest first. */
async function tasksOf(engine: Engine, who: { id: string; groups: string[] }): Promise<TaskRow[]> {
  const pages = await Promise.all([
    engine.tasks({ assignee: who.id, limit: 200 }),
    engine.tasks({ candidateUser: who.id, limit: 200 }),
    who.groups.length ? engine.tasks({ candidateGroups: who.groups, limit: 200 }) : undefined,
  ]);
  const byId = new Map<string, TaskRow>();
  for (const page of pages) for (const task of page?.items ?? []) if (!task.assignee || task.assignee === who.id) byId.set(task.id, task);
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt);
}

/** A request handler for the API above, on an engine. */
export function taskRoutes(engine: Engine): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://service');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      let match: RegExpExecArray | null;
      if (method === 'GET' && path === '/health') return send(res, 200, { ok: true, now: engine.clock.now() });
      if (method === 'GET' && path === '/tasks') return send(res, 200, { tasks: await tasksOf(engine, caller(req)) });
      if (method === 'POST' && (match = /^\/tasks\/([^/]+)\/complete$/.exec(path))) {
        const by = caller(req);
        const taskId = decodeURIComponent(match[1]);
        await engine.complete(taskId, { by, variables: variables(await body(req)) });
        return send(res, 200, { completed: taskId });
      }
      if (method === 'POST' && path === '/cases') {
        const by = caller(req);
        const input = await body(req);
        const processId = text(input, 'processId', true)!;
        const businessKey = text(input, 'businessKey', false);
        const view = await engine.start(processId, { by: by.id, variables: variables(input), ...(businessKey ? { businessKey } : {}) });
        return send(res, 201, { id: view.id, status: view.status });
      }
      if (method === 'GET' && (match = /^\/cases\/([^/]+)$/.exec(path))) {
        caller(req);
        const view = await engine.instance(decodeURIComponent(match[1]));
        return send(res, 200, { id: view.id, processId: view.processId, businessKey: view.businessKey, status: view.status, variables: view.variables, waitingAt: view.activities.map((a) => a.node) });
      }
      if (method === 'POST' && (match = /^\/messages\/([^/]+)$/.exec(path))) {
        const by = caller(req);
        const input = await body(req);
        const key = text(input, 'key', false);
        return send(res, 200, await engine.correlate(decodeURIComponent(match[1]), { key: key ?? null, variables: variables(input), by }));
      }
      throw new HttpError(404, 'not-found', `No route ${method} ${path}.`);
    } catch (error) {
      if (error instanceof HttpError) return send(res, error.status, { error: error.code, message: error.message });
      if (error instanceof SopflowError) {
        const status = STATUS_OF[error.code] ?? (error.code.endsWith('.not-found') ? 404 : 400);
        return send(res, status, { error: error.code, message: error.message });
      }
      console.error(error);
      return send(res, 500, { error: 'internal', message: 'Unexpected error.' });
    }
  };
}
