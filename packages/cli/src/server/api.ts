/**
 * The modeler's API: list, read and save diagrams (with an optimistic
 * version check), the calendars file and the lint configuration. Every
 * route is under `/api/`, behind the token (see startServer).
 */
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { parseCalendarFile } from '@sopflow/engine';
import { DEFAULT_CONFIG } from 'bpmnlint-plugin-sopflow';
import { atomicWrite, checkDiagramPath, etagOf, findCalendarsFile, isInside, listDiagrams, readVersioned, resolveDiagram } from './files.js';
import { HttpError, sendJson, sendText, utf8 } from './http.js';
import type { RequestContext, Route } from './routes.js';

/** Largest calendars or `.bpmnlintrc` file the server reads. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The `.bpmnlintrc` the modeler lints with when the folder has one (as `sopflow validate` run in that folder). */
const LINT_CONFIG_FILE = '.bpmnlintrc';

function diagramPath(rest: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw new HttpError(400, 'bad-path', 'The path is not valid percent-encoding.');
  }
  return checkDiagramPath(decoded);
}

/** Serialises saves of one file, so the version check and the rename cannot interleave. */
function createLocks(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return (key, fn) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

function readLimited(path: string): Promise<string> {
  return stat(path).then((info) => {
    if (info.size > MAX_CONFIG_BYTES) throw new HttpError(413, 'too-large', `${basename(path)} is larger than ${MAX_CONFIG_BYTES} bytes.`);
    return readFile(path, 'utf8');
  });
}

function shownPath(root: string, path: string): string {
  return isInside(root, path) ? relative(root, path).split(sep).join('/') : path;
}

async function listFiles({ res, root }: RequestContext): Promise<void> {
  sendJson(res, 200, { folder: basename(root), files: await listDiagrams(root) });
}

async function getFile({ res, root, rest }: RequestContext): Promise<void> {
  const path = await resolveDiagram(root, diagramPath(rest), { mustExist: true });
  const file = await readVersioned(path);
  if (!file) throw new HttpError(404, 'not-found', `No diagram '${diagramPath(rest)}'.`);
  sendText(res, 200, file.content, { ETag: file.etag });
}

function createPutFile(lock: ReturnType<typeof createLocks>) {
  return async ({ req, res, root, rest, body }: RequestContext): Promise<void> => {
    const rel = diagramPath(rest);
    const path = await resolveDiagram(root, rel, { mustExist: false });
    const ifMatch = req.headers['if-match'];
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifMatch === undefined && ifNoneMatch !== '*') {
      throw new HttpError(428, 'version-required', "Send If-Match with the version you loaded (or If-None-Match: * to create a new diagram).");
    }
    const content = await body();
    const xml = utf8(content);
    if (!xml.trimStart().startsWith('<')) throw new HttpError(400, 'not-xml', 'The request body is not a BPMN XML document.');
    await lock(path, async () => {
      const current = await readVersioned(path);
      if (ifNoneMatch === '*' && current) {
        throw new HttpError(409, 'exists', `'${rel}' already exists.`, { etag: current.etag });
      }
      if (ifMatch !== undefined) {
        if (!current) throw new HttpError(409, 'deleted', `'${rel}' was deleted since it was opened.`, { etag: null });
        if (ifMatch !== current.etag) throw new HttpError(409, 'changed', `'${rel}' changed on disk since it was opened.`, { etag: current.etag });
      }
      await atomicWrite(path, content);
      const etag = etagOf(content);
      sendJson(res, current ? 200 : 201, { path: rel, etag }, { ETag: etag });
    });
  };
}

async function getCalendars({ res, root, url }: RequestContext): Promise<void> {
  const forPath = url.searchParams.get('for');
  const start = forPath ? dirname(join(root, ...checkDiagramPath(forPath).split('/'))) : root;
  // Only folders inside the served one (or the folder itself and its parents) are searched — by
  // realpath: a folder link leading out of the served folder is not followed.
  const realStart = existsSync(start) ? await realpath(start) : undefined;
  const found = findCalendarsFile(realStart && isInside(root, realStart) ? realStart : root);
  // A calendars file that is a link must lead inside the folder, or to one of its parent folders.
  const real = found ? await realpath(found) : undefined;
  const file = real && (isInside(root, real) || isInside(dirname(real), root)) ? found : undefined;
  if (!file) {
    sendJson(res, 200, { file: null, calendars: [] });
    return;
  }
  const text = await readLimited(file);
  try {
    const calendars = parseCalendarFile(text, basename(file)).map((c) => ({ name: c.name, zone: c.zone }));
    sendJson(res, 200, { file: shownPath(root, file), name: basename(file), text, calendars });
  } catch (error) {
    sendJson(res, 200, { file: shownPath(root, file), name: basename(file), calendars: [], error: (error as Error).message });
  }
}

async function getLintConfig({ res, root }: RequestContext): Promise<void> {
  const file = join(root, LINT_CONFIG_FILE);
  if (!existsSync(file)) {
    sendJson(res, 200, { source: 'default', config: DEFAULT_CONFIG });
    return;
  }
  try {
    sendJson(res, 200, { source: LINT_CONFIG_FILE, config: JSON.parse(await readLimited(file)) });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    sendJson(res, 200, { source: 'default', config: DEFAULT_CONFIG, error: `${LINT_CONFIG_FILE}: not valid JSON: ${(error as Error).message}` });
  }
}

/**
 * The built-in API routes:
 *
 * | route | reply |
 * |---|---|
 * | `GET /api/files` | `{ folder, files: [{ path, size, modified }] }` |
 * | `GET /api/files/<path>` | the diagram as text, `ETag` = its version |
 * | `PUT /api/files/<path>` | saves; needs `If-Match: <etag>` (409 `{ error: 'changed', etag }` when it changed on disk) or `If-None-Match: *` to create (409 `exists`); 428 without either |
 * | `GET /api/calendars?for=<path>` | `{ file, name, text, calendars: [{ name, zone }], error? }` |
 * | `GET /api/lint-config` | `{ source, config }`: the folder's `.bpmnlintrc`, else `sopflow validate`'s default |
 */
export function diagramRoutes(): Route[] {
  const lock = createLocks();
  return [
    { method: 'GET', path: '/api/files', handle: listFiles },
    { method: 'GET', path: '/api/files/*', handle: getFile },
    { method: 'PUT', path: '/api/files/*', handle: createPutFile(lock) },
    { method: 'GET', path: '/api/calendars', handle: getCalendars },
    { method: 'GET', path: '/api/lint-config', handle: getLintConfig },
  ];
}
