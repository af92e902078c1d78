/**
 * Routes of the local server: what a route is, how a request is matched to
 * one, and what a handler receives. Pure types and matching; no I/O.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route handler gets for one request. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: Method;
  /** The request URL (path and query), resolved against the server's origin. */
  url: URL;
  /** For a prefix route (`/api/files/*`): the raw (still percent-encoded) rest of the path after the prefix. */
  rest: string;
  /** The served folder, as a realpath. */
  root: string;
  /** Reads the request body, refused with 413 beyond the server's limit. */
  body(): Promise<Buffer>;
}

/**
 * An API route. `path` is exact (`/api/files`) or a prefix ending in `/*`
 * (`/api/files/*`). Every route lives under `/api/`, where the token is
 * required. The handler writes the reply (see `sendJson`) or throws an
 * `HttpError`.
 */
export interface Route {
  method: Method;
  path: string;
  handle(context: RequestContext): Promise<void> | void;
}

/** A folder of static files served under a path prefix (`/workbench/`), without the token, like the modeler page. */
export interface StaticMount {
  /** Starts and ends with `/`. */
  prefix: string;
  /** Absolute folder; `index.html` answers the prefix itself. */
  dir: string;
}

/** The route matching a method and path (the first of the list), and the rest of the path for prefix routes. Pure. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route?: Route; rest: string; allowed: Method[] } {
  const allowed: Method[] = [];
  for (const route of routes) {
    let rest: string | undefined;
    if (route.path.endsWith('/*')) {
      const prefix = route.path.slice(0, -1);
      if (path.startsWith(prefix) && path.length > prefix.length) rest = path.slice(prefix.length);
    } else if (route.path === path) {
      rest = '';
    }
    if (rest === undefined) continue;
    if (route.method === method) return { route, rest, allowed };
    allowed.push(route.method);
  }
  return { rest: '', allowed };
}
