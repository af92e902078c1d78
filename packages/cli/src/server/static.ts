/**
 * Static pages: the modeler's production build (from `@sopflow/modeler`'s
 * `dist/`) and any folder mounted by another feature. Files are resolved by
 * realpath and must stay inside their folder.
 */
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { isInside } from './files.js';
import { HttpError, PAGE_CSP, setCommonHeaders } from './http.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The folder of the modeler's production build (`@sopflow/modeler/dist`).
 * @throws Error naming the build command when it is not built
 */
export function modelerDist(): string {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve('@sopflow/modeler/package.json')), 'dist');
  } catch {
    throw new Error('The package @sopflow/modeler is not installed: it holds the modeler page.');
  }
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`The modeler is not built (no ${join(dir, 'index.html')}): run npm run build -w @sopflow/modeler.`);
  return dir;
}

/**
 * Serves `relPath` (already stripped of the mount prefix, percent-encoded)
 * from `dir`; `''` or a path ending in `/` serves `index.html`. Pages get the
 * strict Content-Security-Policy; hashed assets are cached for good.
 * @throws HttpError 400 for a malformed path, 404 when not found or outside `dir`
 */
export async function serveStatic(res: ServerResponse, dir: string, relPath: string, method: 'GET' | 'HEAD'): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    throw new HttpError(400, 'bad-path', 'The path is not valid percent-encoding.');
  }
  if (decoded === '' || decoded.endsWith('/')) decoded += 'index.html';
  const segments = decoded.split('/');
  if (decoded.includes('\0') || decoded.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new HttpError(400, 'bad-path', 'Malformed path.');
  }
  const root = await realpath(dir);
  let file: string;
  try {
    file = await realpath(join(root, ...segments));
  } catch {
    throw new HttpError(404, 'not-found', `No page '${decoded}'.`);
  }
  if (!isInside(root, file) || !(await stat(file)).isFile()) throw new HttpError(404, 'not-found', `No page '${decoded}'.`);
  const content = await readFile(file);
  setCommonHeaders(res, PAGE_CSP);
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': content.length,
    // Vite names built assets by content hash; the page itself must be fetched fresh.
    'Cache-Control': segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(method === 'HEAD' ? undefined : content);
}
