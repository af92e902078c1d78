import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '@sopflow/engine';
import { startCommand } from '../../packages/cli/src/commands/start.js';
import type { Io } from '../../packages/cli/src/io.js';
import { startServer, type Route, type RunningServer } from '../../packages/cli/src/server/index.js';
import type { Workbench } from '../../packages/cli/src/workbench/Workbench.js';

const repo = new URL('../../', import.meta.url);
/** Marks the files outside the served folder: no reply may ever contain it. */
const SECRET = 'SECRET-7f3a9c';
const SECRET_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t"><bpmn:process id="secret-process" name="${SECRET}" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>
`;

interface Reply {
  status: number;
  body: string;
  error?: string;
}

/**
 * A raw request: the path goes out exactly as written (no normalisation),
 * any Host (or none) and Origin may be sent. A streaming reply (the event
 * feed) is cut after 300 ms.
 */
function send(server: RunningServer, options: { method: string; path: string; headers?: Record<string, string>; body?: string; setHost?: boolean }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.setHost === false ? {} : { Host: `127.0.0.1:${server.port}` }), ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: options.method, path: options.path, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => {
        clearTimeout(cut);
        const body = Buffer.concat(chunks).toString('utf8');
        let error: string | undefined;
        try {
          error = (JSON.parse(body) as { error?: string }).error;
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body, ...(error ? { error } : {}) });
      };
      const cut = setTimeout(() => {
        res.destroy();
        done();
      }, 300);
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A request path for a route: a prefix route (`/api/files/*`) gets `rest` after its prefix. */
function pathOf(route: Route, rest = 'probe.bpmn'): string {
  return route.path.endsWith('/*') ? `${route.path.slice(0, -1)}${rest}` : route.path;
}

interface Target {
  name: string;
  server: RunningServer;
  /** What the server could change: the folder's files, the folder outside, and (workbench) its store. */
  state(): Promise<{ inside: string[]; outside: string[]; store: string }>;
}

/** Every file under a folder with its size and mtime (symlinks not followed). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    const info = await lstat(path);
    out.push(`${name} ${info.isSymbolicLink() ? 'link' : info.size} ${info.mtimeMs}`);
    if (info.isDirectory()) out.push(...(await tree(path)).map((line) => `${name}/${line}`));
  }
  return out;
}

describe('local servers refuse what they must', () => {
  let base: string;
  let dir: string;
  let outside: string;
  let pages: string;
  const targets: Target[] = [];
  let workbench: Workbench | undefined;
  const stop = new AbortController();
  let stopped: Promise<number> | undefined;

  beforeAll(async () => {
    // given: a folder of diagrams (with links that lead out of it), a folder outside holding secrets, and a pages folder
    base = await mkdtemp(join(tmpdir(), 'sopflow-access-'));
    dir = join(base, 'diagrams');
    outside = join(base, 'outside');
    pages = join(base, 'pages');
    await mkdir(dir);
    await mkdir(outside);
    await mkdir(pages);
    await writeFile(join(dir, 'approval.bpmn'), await readFile(new URL('examples/cross-department-approval/cross-department-approval.bpmn', repo)));
    await writeFile(join(dir, 'calendars.json'), await readFile(new URL('examples/calendars.json', repo)));
    await writeFile(join(outside, 'secret.bpmn'), SECRET_BPMN);
    await writeFile(join(outside, 'secret.txt'), SECRET);
    await writeFile(join(outside, 'calendars.json'), JSON.stringify({ calendars: [], note: SECRET }));
    await symlink(join(outside, 'secret.bpmn'), join(dir, 'out.bpmn'));
    await symlink(outside, join(dir, 'outdir'));
    await writeFile(join(pages, 'index.html'), '<!doctype html><title>pages</title>');
    await symlink(join(outside, 'secret.txt'), join(pages, 'leak.html'));
    const state = async () => ({ inside: await tree(dir), outside: await tree(outside), store: '' });

    targets.push({ name: 'modeler (sopflow modeler)', server: await startServer({ dir, modelerDir: pages }), state });

    const io: Io = { stdout: () => {}, stderr: () => {}, cwd: base, env: {} };
    const listening = new Promise<RunningServer>((resolve) => {
      stopped = startCommand([dir, '--store', `sqlite:${join(base, 'wb.db')}`, '--no-open'], io, {
        pagesDir: pages,
        clock: new VirtualClock('2026-11-23T09:00:00+08:00'),
        signal: stop.signal,
        onListening: (server, opened) => {
          workbench = opened;
          resolve(server);
        },
      });
      stopped.catch(() => {});
    });
    const server = await listening;
    targets.push({
      name: 'workbench (sopflow start)',
      server,
      state: async () => {
        const store = workbench!.store;
        const deployments = (await store.listDeployments()).map((d) => d.key);
        const instances = (await store.findInstances({ limit: 1000 })).total;
        return { ...(await state()), store: JSON.stringify({ deployments, instances }) };
      },
    });
  }, 60_000);

  afterAll(async () => {
    await targets[0]?.server.close();
    stop.abort();
    await stopped;
    await rm(base, { recursive: true, force: true });
  });

  it('should register the routes it is tested with: every API route lives under /api/, and the workbench adds its own to the modeler’s', () => {
    const [modeler, bench] = targets;
    expect(modeler.server.routes.length).toBeGreaterThan(0);
    for (const { server } of targets) for (const route of server.routes) expect(route.path.startsWith('/api/'), route.path).toBe(true);
    const key = (r: Route) => `${r.method} ${r.path}`;
    expect(bench.server.routes.map(key)).toEqual(expect.arrayContaining(modeler.server.routes.map(key)));
    expect(bench.server.routes.length).toBeGreaterThan(modeler.server.routes.length);
  });

  it('should refuse every API route without the token, with a wrong one, and from another Host or Origin — before the route runs', async () => {
    for (const { name, server, state } of targets) {
      const before = await state();
      const good = { Authorization: `Bearer ${server.token}` };
      for (const route of server.routes) {
        const path = pathOf(route);
        const body = route.method === 'GET' ? undefined : JSON.stringify({ path: 'approval.bpmn', processId: 'cross-department-approval', name: 'x', user: 'x' });
        const refusals: Array<[string, { path?: string; headers?: Record<string, string>; setHost?: boolean }, number, string]> = [
          ['no token', {}, 401, 'token-required'],
          ['a wrong token', { headers: { Authorization: `Bearer ${server.token}x` } }, 401, 'bad-token'],
          ['a wrong token in the query', { path: `${path}${path.includes('?') ? '&' : '?'}token=${server.token.slice(1)}` }, 401, 'bad-token'],
          ['an empty bearer token', { headers: { Authorization: 'Bearer ' } }, 401, 'token-required'],
          ['another host name (DNS rebinding)', { headers: { ...good, Host: `evil.example:${server.port}` } }, 403, 'bad-host'],
          ['a look-alike host name', { headers: { ...good, Host: `127.0.0.1.evil.example:${server.port}` } }, 403, 'bad-host'],
          ['another port', { headers: { ...good, Host: `127.0.0.1:${server.port + 1}` } }, 403, 'bad-host'],
          // Node's HTTP server refuses an HTTP/1.1 request without Host before the server sees it
          ['no Host header', { headers: good, setHost: false }, 400, undefined as unknown as string],
          ['another origin', { headers: { ...good, Origin: 'http://evil.example' } }, 403, 'bad-origin'],
          ['a loopback origin on another port', { headers: { ...good, Origin: `http://127.0.0.1:${server.port + 1}` } }, 403, 'bad-origin'],
          ['the null origin (sandboxed frame, file://)', { headers: { ...good, Origin: 'null' } }, 403, 'bad-origin'],
          ['an https origin', { headers: { ...good, Origin: `https://127.0.0.1:${server.port}` } }, 403, 'bad-origin'],
        ];
        for (const [what, request, status, error] of refusals) {
          const reply = await send(server, { method: route.method, path: request.path ?? path, ...(request.headers ? { headers: request.headers } : {}), ...(request.setHost === false ? { setHost: false } : {}), ...(body ? { body } : {}) });
          expect({ server: name, route: `${route.method} ${route.path}`, what, status: reply.status, error: reply.error }).toEqual({ server: name, route: `${route.method} ${route.path}`, what, status, error });
        }
      }
      // nothing the routes could change was changed
      expect(await state(), name).toEqual(before);
    }
  });

  it('should answer every API route with the token, the loopback Host and no foreign Origin (the refusals above came from the checks)', async () => {
    for (const { name, server } of targets) {
      for (const route of server.routes) {
        const reply = await send(server, {
          method: route.method,
          path: pathOf(route),
          headers: { Authorization: `Bearer ${server.token}`, Origin: `http://127.0.0.1:${server.port}` },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        expect({ server: name, route: `${route.method} ${route.path}`, refused: [401, 403].includes(reply.status) && ['token-required', 'bad-token', 'bad-host', 'bad-origin'].includes(reply.error ?? '') }).toEqual({
          server: name,
          route: `${route.method} ${route.path}`,
          refused: false,
        });
      }
    }
  });

  it('should refuse pages from another Host or Origin, and a non-loopback address to listen on', async () => {
    for (const { server } of targets) {
      expect((await send(server, { method: 'GET', path: '/', headers: { Host: `evil.example:${server.port}` } })).status).toBe(403);
      expect((await send(server, { method: 'GET', path: '/', headers: { Origin: 'http://evil.example' } })).status).toBe(403);
      expect((await send(server, { method: 'GET', path: '/' })).status).toBe(200);
    }
    await expect(startServer({ dir, modelerDir: pages, host: '0.0.0.0' as never })).rejects.toThrow(/loopback only/);
  });

  it('should not let any route or page reach outside its folder: .., absolute paths, links leading out, encoded traversal', async () => {
    const secretFile = join(outside, 'secret.bpmn');
    // as a path segment after a prefix route or a page mount (sent raw, exactly as written)
    const rawRests = [
      '../outside/secret.bpmn',
      '../../outside/secret.bpmn',
      '%2e%2e/outside/secret.bpmn',
      '%2E%2E%2Foutside%2Fsecret.bpmn',
      '..%2f..%2foutside%2fsecret.bpmn',
      '..%5coutside%5csecret.bpmn',
      '%252e%252e%252foutside%252fsecret.bpmn',
      `%2F${encodeURIComponent(secretFile.slice(1))}`,
      `/${secretFile.slice(1)}`,
      encodeURIComponent(secretFile),
      'C:%5cWindows%5cwin.ini',
      'out.bpmn',
      'outdir/secret.bpmn',
      'outdir%2fsecret.bpmn',
      'approval.bpmn%00.txt',
      'outdir/calendars.json',
      'leak.html',
    ];
    // as a value in the query string or a JSON body (decoded by the server)
    const values = ['../outside/secret.bpmn', '../../outside/secret.bpmn', secretFile, 'out.bpmn', 'outdir/secret.bpmn', 'outdir/../../outside/secret.bpmn', '..\\outside\\secret.bpmn', `file://${secretFile}`];
    for (const { name, server, state } of targets) {
      const before = await state();
      const auth = { Authorization: `Bearer ${server.token}` };
      const replies: Array<{ where: string; reply: Reply }> = [];
      for (const route of server.routes) {
        const write = route.method !== 'GET';
        const body = (value: string) => JSON.stringify({ path: value, processId: value, name: value, user: 'x', variables: {} });
        if (route.path.endsWith('/*')) {
          for (const rest of rawRests) {
            replies.push({ where: `${route.method} ${pathOf(route, rest)}`, reply: await send(server, { method: route.method, path: pathOf(route, rest), headers: write ? { ...auth, 'If-None-Match': '*' } : auth, ...(write ? { body: '<x>written by the test</x>' } : {}) }) });
          }
        }
        for (const value of values) {
          const query = ['for', 'path', 'process', 'file'].map((k) => `${k}=${encodeURIComponent(value)}`).join('&');
          const path = `${pathOf(route, encodeURIComponent(value))}?${query}`;
          replies.push({ where: `${route.method} ${path}`, reply: await send(server, { method: route.method, path, headers: auth, ...(write ? { body: body(value) } : {}) }) });
        }
      }
      for (const rest of rawRests) {
        for (const mount of ['/', '/assets/', ...server.pages.map((p) => p.prefix)]) {
          replies.push({ where: `GET ${mount}${rest}`, reply: await send(server, { method: 'GET', path: `${mount}${rest}` }) });
        }
      }
      // then: nothing from outside came back, nothing outside (or inside) changed, nothing outside was deployed
      const leaks = replies.filter(({ reply }) => reply.body.includes(SECRET)).map(({ where, reply }) => `${where} → ${reply.status} ${reply.body.slice(0, 120)}`);
      expect(leaks, name).toEqual([]);
      expect(await stat(secretFile).then((s) => s.size)).toBe(Buffer.byteLength(SECRET_BPMN));
      const after = await state();
      expect(after.outside, name).toEqual(before.outside);
      expect(after.store, name).toBe(before.store);
      // inside, files may only have been added (a doubly encoded name is a literal file name in the folder), none changed
      expect(after.inside, name).toEqual(expect.arrayContaining(before.inside));
      expect(replies.length).toBeGreaterThan(server.routes.length * values.length);
    }
    expect((await workbench!.store.listDeployments()).map((d) => d.processId)).not.toContain('secret-process');
  }, 120_000);
});
