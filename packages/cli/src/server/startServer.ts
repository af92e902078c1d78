/**
 * The local server behind `sopflow modeler` (and the workbench views that
 * mount onto it): loopback only, a random token for every API call, the
 * Host and Origin headers checked against DNS rebinding, size-limited
 * bodies, strict Content-Security-Policy on pages.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { diagramRoutes } from './api.js';
import { DEFAULT_MAX_BODY_BYTES, HttpError, readBody, sendError, sendJson } from './http.js';
import { matchRoute, type Method, type Route, type StaticMount } from './routes.js';
import { modelerDist, serveStatic } from './static.js';

/** Hosts the server may listen on: loopback only. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'] as const;
export type LoopbackHost = (typeof LOOPBACK_HOSTS)[number];

/** Options of {@link startServer}. */
export interface ServerOptions {
  /** The folder of diagrams; the server reads and writes only `.bpmn` files inside it. */
  dir: string;
  /** TCP port; 0 or absent: a free port chosen by the system. */
  port?: number;
  /** Loopback address to listen on (default `127.0.0.1`). */
  host?: LoopbackHost;
  /** The secret every API call must carry; default: 32 random bytes, base64url. */
  token?: string;
  /** More API routes (paths under `/api/`), tried before the built-in ones. */
  routes?: Route[];
  /** More static pages under their own prefixes (`/workbench/`). */
  pages?: StaticMount[];
  /** The folder served at `/`: default the modeler's build; `false` for none. */
  modelerDir?: string | false;
  /** Largest accepted request body (default 10 MiB); larger gets 413. */
  maxBodyBytes?: number;
  /** Called with unexpected errors (a 500 was sent); default: ignored. */
  onError?: (error: unknown) => void;
}

/** A running server. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The page to open: origin, `/` and the token as `?token=`. */
  url: string;
  port: number;
  token: string;
  /** The served folder, as a realpath. */
  root: string;
  /** Every API route the server answers, in matching order (yours first, then the built-in ones). */
  routes: readonly Route[];
  /** The static page mounts, besides the modeler's folder at `/`. */
  pages: readonly StaticMount[];
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The token of a request: `Authorization: Bearer …`, else `?token=`. */
function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return url.searchParams.get('token') ?? undefined;
}

function checkToken(req: IncomingMessage, url: URL, expected: Buffer): void {
  const given = tokenOf(req, url);
  if (!given) throw new HttpError(401, 'token-required', 'This API needs the token from the modeler URL (Authorization: Bearer <token>).');
  if (!timingSafeEqual(digest(given), expected)) throw new HttpError(401, 'bad-token', 'Wrong token.');
}

function allowedHosts(host: LoopbackHost, port: number): Set<string> {
  const names = host === '::1' ? ['[::1]', 'localhost'] : host === 'localhost' ? ['localhost', '127.0.0.1', '[::1]'] : ['127.0.0.1', 'localhost'];
  return new Set(names.map((n) => `${n}:${port}`));
}

/**
 * Starts the server and resolves once it listens. Pages (`/`, mounts) are
 * served without the token; every `/api/` call needs it. Requests whose
 * `Host` is not the loopback address and port (DNS rebinding), or whose
 * `Origin` is another site, are refused with 403.
 * @throws Error when `host` is not a loopback address, `dir` is not a folder, or the port is taken
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host: LoopbackHost = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) throw new Error(`Refusing to listen on '${host}': the modeler server listens on loopback only (${LOOPBACK_HOSTS.join(', ')}).`);
  const root = await realpath(options.dir);
  if (!(await stat(root)).isDirectory()) throw new Error(`${options.dir} is not a folder.`);
  for (const route of options.routes ?? []) {
    if (!route.path.startsWith('/api/')) throw new Error(`Route '${route.path}': API routes live under /api/ (where the token is checked).`);
  }
  const pages = [...(options.pages ?? [])].sort((a, b) => b.prefix.length - a.prefix.length);
  for (const page of pages) {
    if (!page.prefix.startsWith('/') || !page.prefix.endsWith('/') || page.prefix.startsWith('/api/')) throw new Error(`Page prefix '${page.prefix}': expected /name/ outside /api/.`);
  }
  const modelerDir = options.modelerDir === false ? undefined : (options.modelerDir ?? modelerDist());
  const token = options.token ?? randomBytes(32).toString('base64url');
  const expected = digest(token);
  const routes = [...(options.routes ?? []), ...diagramRoutes()];
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let hosts = new Set<string>();
  let origins = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hostHeader = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(hostHeader)) throw new HttpError(403, 'bad-host', `Host '${hostHeader}' refused: the modeler answers only to its loopback address.`);
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) throw new HttpError(403, 'bad-origin', `Origin '${origin}' refused.`);
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) throw new HttpError(400, 'bad-path', 'Malformed request target.');
    const query = raw.indexOf('?');
    const path = query < 0 ? raw : raw.slice(0, query);
    const url = new URL(raw, `http://${hostHeader}`);
    const method = (req.method ?? 'GET').toUpperCase();
    if (path === '/api' || path.startsWith('/api/')) {
      checkToken(req, url, expected);
      const { route, rest, allowed } = matchRoute(routes, method, path);
      if (!route) {
        if (allowed.length) throw new HttpError(405, 'method-not-allowed', `${method} is not allowed here.`, { allowed });
        throw new HttpError(404, 'not-found', `No API route ${path}.`);
      }
      await route.handle({ req, res, method: method as Method, url, rest, root, body: () => readBody(req, limit) });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method-not-allowed', `${method} is not allowed on pages.`);
    const mount = pages.find((p) => path.startsWith(p.prefix));
    if (mount) return serveStatic(res, mount.dir, path.slice(mount.prefix.length), method);
    if (modelerDir) return serveStatic(res, modelerDir, path.slice(1), method);
    throw new HttpError(404, 'not-found', 'No page here.');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        // The rest of an oversized body is not read: close the connection after the reply.
        if (error.status === 413) {
          res.setHeader('Connection', 'close');
          req.resume();
        }
        sendError(res, error);
        return;
      }
      options.onError?.(error);
      sendJson(res, 500, { error: 'internal', message: 'Unexpected server error.' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  origins = new Set([...hosts].map((h) => `http://${h}`));
  const origin = `http://${host === '::1' ? '[::1]' : host}:${port}`;
  return {
    origin,
    url: `${origin}/?token=${token}`,
    port,
    token,
    root,
    routes,
    pages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
