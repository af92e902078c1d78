import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { modelerCommand } from '../src/commands/modeler.js';
import type { Io } from '../src/io.js';
import { HttpError, sendJson, startServer, type RunningServer } from '../src/server/index.js';
import { pressCtrlCWhenAsked } from './pressCtrlC.js';

const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="t"><bpmn:process id="p" isExecutable="true"/></bpmn:definitions>
`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request: the path goes out exactly as written (no URL normalisation), any Host header may be sent. */
function send(server: RunningServer, options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; token?: string | null }): Promise<Reply> {
  const headers: Record<string, string | number> = { Host: `127.0.0.1:${server.port}`, ...options.headers };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: options.method ?? 'GET', path: options.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Streams `total` bytes without a Content-Length, stopping as soon as the server answers. */
function sendStream(server: RunningServer, path: string, total: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, method: 'PUT', path, headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}`, 'If-None-Match': '*' } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(256 * 1024, 0x3c);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.body) as Record<string, unknown>;
}

describe('modeler server', () => {
  let base: string;
  let dir: string;
  let outside: string;
  let pages: string;
  let server: RunningServer;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sopflow-server-'));
    pages = join(base, 'page');
    await mkdir(pages);
    await writeFile(join(pages, 'index.html'), '<!doctype html><title>modeler</title>');
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(base, 'dir-'));
    outside = await mkdtemp(join(base, 'outside-'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'a.bpmn'), DIAGRAM);
    await writeFile(join(dir, 'sub', 'b.bpmn'), DIAGRAM);
    await writeFile(join(dir, 'notes.txt'), 'not a diagram');
    await writeFile(join(outside, 'secret.bpmn'), '<secret/>');
    server = await startServer({ dir, modelerDir: pages });
  });

  afterEach(async () => {
    await server.close();
  });

  describe('token and headers', () => {
    it('should serve the page without the token, with a strict Content-Security-Policy', async () => {
      // when
      const reply = await send(server, { path: '/', token: null });

      // then
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('<title>modeler</title>');
      expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
      expect(reply.headers['content-security-policy']).not.toContain("script-src 'self' 'unsafe-inline'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    });

    it('should refuse an API call without the token with 401', async () => {
      // when
      const reply = await send(server, { path: '/api/files', token: null });

      // then
      expect(reply.status).toBe(401);
      expect(json(reply).error).toBe('token-required');
    });

    it('should refuse an API call with a wrong token with 401', async () => {
      // when
      const reply = await send(server, { path: '/api/files', token: `${server.token}x` });

      // then
      expect(reply.status).toBe(401);
      expect(json(reply).error).toBe('bad-token');
    });

    it('should accept the token as a query parameter, as in the page URL', async () => {
      // when
      const reply = await send(server, { path: `/api/files?token=${server.token}`, token: null });

      // then
      expect(reply.status).toBe(200);
    });

    it('should refuse another Host header (DNS rebinding) with 403, pages included', async () => {
      // when
      const api = await send(server, { path: '/api/files', headers: { Host: `evil.example:${server.port}` } });
      const page = await send(server, { path: '/', headers: { Host: 'evil.example' }, token: null });
      const otherPort = await send(server, { path: '/api/files', headers: { Host: `127.0.0.1:${server.port + 1}` } });

      // then
      expect([api.status, page.status, otherPort.status]).toEqual([403, 403, 403]);
      expect(json(api).error).toBe('bad-host');
    });

    it('should accept localhost as the Host and refuse a foreign Origin with 403', async () => {
      // when
      const local = await send(server, { path: '/api/files', headers: { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` } });
      const foreign = await send(server, { path: '/api/files', headers: { Origin: 'http://evil.example' } });

      // then
      expect(local.status).toBe(200);
      expect(foreign.status).toBe(403);
      expect(json(foreign).error).toBe('bad-origin');
    });

    it('should refuse to listen on a non-loopback address', async () => {
      // when
      const starting = startServer({ dir, modelerDir: false, host: '0.0.0.0' as '127.0.0.1' });

      // then
      await expect(starting).rejects.toThrow(/loopback only/);
    });
  });

  describe('paths', () => {
    it('should list the diagrams in the folder and its sub-folders only', async () => {
      // given
      await symlink(join(outside, 'secret.bpmn'), join(dir, 'link.bpmn'));
      await symlink(outside, join(dir, 'linked-folder'));
      await mkdir(join(dir, 'node_modules'));
      await writeFile(join(dir, 'node_modules', 'dep.bpmn'), DIAGRAM);

      // when
      const reply = await send(server, { path: '/api/files' });

      // then
      expect(reply.status).toBe(200);
      expect((json(reply).files as Array<{ path: string }>).map((f) => f.path)).toEqual(['a.bpmn', 'sub/b.bpmn']);
    });

    it('should read a diagram with its version as ETag, as text that a browser does not render', async () => {
      // when
      const reply = await send(server, { path: '/api/files/sub/b.bpmn' });

      // then
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(DIAGRAM);
      expect(reply.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    });

    it.each([
      ['..', '/api/files/../outside.bpmn'],
      ['.. twice', '/api/files/sub/../../outside.bpmn'],
      ['encoded ..', '/api/files/%2e%2e/outside.bpmn'],
      ['encoded .. and slash', '/api/files/%2e%2e%2fsecret.bpmn'],
      ['encoded absolute path', '/api/files/%2Fetc%2Fpasswd.bpmn'],
      ['absolute path', '/api/files//etc/passwd.bpmn'],
      ['Windows drive', '/api/files/C:%5Cx.bpmn'],
      ['backslash', '/api/files/sub%5C..%5C..%5Cx.bpmn'],
      ['NUL', '/api/files/a.bpmn%00.bpmn'],
      ['bad encoding', '/api/files/%E0%A4%A.bpmn'],
    ])('should refuse a path with %s with 400', async (_, path) => {
      // when
      const read = await send(server, { path });
      const write = await send(server, { method: 'PUT', path, headers: { 'If-None-Match': '*' }, body: DIAGRAM });

      // then
      expect([read.status, write.status]).toEqual([400, 400]);
      expect(json(read).error).toBe('bad-path');
    });

    it('should refuse a file that is not a diagram with 403', async () => {
      // when
      const read = await send(server, { path: '/api/files/notes.txt' });
      const disguised = await send(server, { path: '/api/files/notes.bpmn.txt' });
      const write = await send(server, { method: 'PUT', path: '/api/files/evil.js', headers: { 'If-None-Match': '*' }, body: '<x/>' });

      // then
      expect([read.status, disguised.status, write.status]).toEqual([403, 403, 403]);
      expect(json(read).error).toBe('not-a-diagram');
    });

    it('should refuse a symlink that points out of the folder with 403, for reading and writing', async () => {
      // given
      await symlink(join(outside, 'secret.bpmn'), join(dir, 'link.bpmn'));
      await symlink(outside, join(dir, 'linked-folder'));

      // when
      const read = await send(server, { path: '/api/files/link.bpmn' });
      const viaFolder = await send(server, { path: '/api/files/linked-folder/secret.bpmn' });
      const current = await send(server, { path: '/api/files/a.bpmn' });
      const write = await send(server, { method: 'PUT', path: '/api/files/link.bpmn', headers: { 'If-Match': String(current.headers.etag) }, body: DIAGRAM });
      const create = await send(server, { method: 'PUT', path: '/api/files/linked-folder/new.bpmn', headers: { 'If-None-Match': '*' }, body: DIAGRAM });

      // then
      expect([read.status, viaFolder.status, write.status, create.status]).toEqual([403, 403, 403, 403]);
      expect(json(read).error).toBe('outside-folder');
      expect(await readFile(join(outside, 'secret.bpmn'), 'utf8')).toBe('<secret/>');
      expect(await readdir(outside)).toEqual(['secret.bpmn']);
    });

    it('should refuse a dangling symlink with 403 rather than write through it', async () => {
      // given
      await symlink(join(outside, 'planted.bpmn'), join(dir, 'dangling.bpmn'));

      // when
      const write = await send(server, { method: 'PUT', path: '/api/files/dangling.bpmn', headers: { 'If-None-Match': '*' }, body: DIAGRAM });

      // then
      expect(write.status).toBe(403);
      expect(await readdir(outside)).toEqual(['secret.bpmn']);
    });

    it('should answer 404 for a diagram that does not exist', async () => {
      // when
      const reply = await send(server, { path: '/api/files/missing.bpmn' });

      // then
      expect(reply.status).toBe(404);
    });

    it('should not serve page files outside the page folder', async () => {
      // when
      const up = await send(server, { path: '/../dir/a.bpmn', token: null });
      const encoded = await send(server, { path: '/%2e%2e/page/index.html', token: null });

      // then
      expect([up.status, encoded.status]).toEqual([400, 400]);
    });
  });

  describe('saving', () => {
    it('should save with the loaded version and answer the new one', async () => {
      // given
      const loaded = await send(server, { path: '/api/files/a.bpmn' });
      const changed = DIAGRAM.replace('id="p"', 'id="p2"');

      // when
      const reply = await send(server, { method: 'PUT', path: '/api/files/a.bpmn', headers: { 'If-Match': String(loaded.headers.etag) }, body: changed });

      // then
      expect(reply.status).toBe(200);
      expect(await readFile(join(dir, 'a.bpmn'), 'utf8')).toBe(changed);
      expect(json(reply).etag).toBe(reply.headers.etag);
      expect(json(reply).etag).not.toBe(loaded.headers.etag);
    });

    it('should write to a temporary file in the same folder and rename it, leaving nothing behind', async () => {
      // given
      const loaded = await send(server, { path: '/api/files/sub/b.bpmn' });
      const seen: string[] = [];
      const watcher = watch(join(dir, 'sub'), (_, name) => {
        if (name) seen.push(String(name));
      });

      // when
      const reply = await send(server, { method: 'PUT', path: '/api/files/sub/b.bpmn', headers: { 'If-Match': String(loaded.headers.etag) }, body: DIAGRAM.replace('"p"', '"q"') });
      await new Promise((r) => setTimeout(r, 100));
      watcher.close();

      // then
      expect(reply.status).toBe(200);
      expect(seen.some((name) => /^\.b\.bpmn\.[0-9a-f]+\.tmp$/.test(name))).toBe(true);
      expect(await readdir(join(dir, 'sub'))).toEqual(['b.bpmn']);
    });

    it('should never let a reader see a half-written diagram', async () => {
      // given: large diagrams, so that a plain write would be observed half done
      const big = (fill: string) => `${DIAGRAM}<!--${fill.repeat(4 * 1024 * 1024)}-->\n`;
      const versions = [big('a'), big('b')];
      await writeFile(join(dir, 'a.bpmn'), versions[0]);
      let etag = String((await send(server, { path: '/api/files/a.bpmn' })).headers.etag);
      let saving = true;
      const reads: string[] = [];
      const reader = (async () => {
        while (saving) reads.push(await readFile(join(dir, 'a.bpmn'), 'utf8'));
      })();

      // when
      for (let i = 1; i <= 6; i++) {
        const reply = await send(server, { method: 'PUT', path: '/api/files/a.bpmn', headers: { 'If-Match': etag }, body: versions[i % 2] });
        expect(reply.status).toBe(200);
        etag = String(json(reply).etag);
      }
      saving = false;
      await reader;

      // then
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.every((text) => text === versions[0] || text === versions[1])).toBe(true);
    });

    it('should refuse a stale save with 409 and the version on disk, and accept the save made with that version', async () => {
      // given: opened, then changed on disk by someone else
      const loaded = await send(server, { path: '/api/files/a.bpmn' });
      await writeFile(join(dir, 'a.bpmn'), DIAGRAM.replace('"p"', '"other"'));

      // when
      const stale = await send(server, { method: 'PUT', path: '/api/files/a.bpmn', headers: { 'If-Match': String(loaded.headers.etag) }, body: DIAGRAM.replace('"p"', '"mine"') });
      const overwrite = await send(server, { method: 'PUT', path: '/api/files/a.bpmn', headers: { 'If-Match': String(json(stale).etag) }, body: DIAGRAM.replace('"p"', '"mine"') });

      // then
      expect(stale.status).toBe(409);
      expect(json(stale).error).toBe('changed');
      expect(overwrite.status).toBe(200);
      expect(await readFile(join(dir, 'a.bpmn'), 'utf8')).toContain('"mine"');
    });

    it('should refuse a save without a version with 428', async () => {
      // when
      const reply = await send(server, { method: 'PUT', path: '/api/files/a.bpmn', body: DIAGRAM });

      // then
      expect(reply.status).toBe(428);
      expect(await readFile(join(dir, 'a.bpmn'), 'utf8')).toBe(DIAGRAM);
    });

    it('should create a new diagram (and its folder) once, then refuse to create it again with 409', async () => {
      // when
      const created = await send(server, { method: 'PUT', path: '/api/files/new/c.bpmn', headers: { 'If-None-Match': '*' }, body: DIAGRAM });
      const again = await send(server, { method: 'PUT', path: '/api/files/new/c.bpmn', headers: { 'If-None-Match': '*' }, body: DIAGRAM });

      // then
      expect(created.status).toBe(201);
      expect(again.status).toBe(409);
      expect(json(again).error).toBe('exists');
      expect(await readFile(join(dir, 'new', 'c.bpmn'), 'utf8')).toBe(DIAGRAM);
    });

    it('should refuse a body that is not XML or not UTF-8 with 400', async () => {
      // when
      const text = await send(server, { method: 'PUT', path: '/api/files/x.bpmn', headers: { 'If-None-Match': '*' }, body: 'hello' });
      const binary = await send(server, { method: 'PUT', path: '/api/files/y.bpmn', headers: { 'If-None-Match': '*' }, body: Buffer.from([0x3c, 0xff, 0xfe]) });

      // then
      expect([text.status, binary.status]).toEqual([400, 400]);
      expect(await readdir(dir)).not.toContain('x.bpmn');
    });

    it('should refuse a declared body over the limit with 413 before reading it', async () => {
      // when
      const reply = await send(server, {
        method: 'PUT',
        path: '/api/files/big.bpmn',
        headers: { 'If-None-Match': '*', 'Content-Length': 10 * 1024 * 1024 + 1 },
        body: '<',
      }).catch((error: Error) => ({ status: -1, headers: {}, body: error.message }));

      // then
      expect(reply.status).toBe(413);
      expect(await readdir(dir)).not.toContain('big.bpmn');
    });

    it('should refuse a streamed body once it passes the limit with 413', async () => {
      // when
      const reply = await sendStream(server, '/api/files/big.bpmn', 11 * 1024 * 1024);

      // then
      expect(reply.status).toBe(413);
      expect(json(reply).error).toBe('too-large');
      expect(await readdir(dir)).not.toContain('big.bpmn');
    });
  });

  describe('calendars and lint configuration', () => {
    it('should find the calendars file in the folder and list its calendars', async () => {
      // given
      await writeFile(join(dir, 'calendars.json'), JSON.stringify({ calendars: [{ name: 'office', zone: 'Asia/Shanghai', hours: { mon: ['09:00-18:00'] } }] }));

      // when
      const reply = await send(server, { path: '/api/calendars?for=sub/b.bpmn' });

      // then
      expect(reply.status).toBe(200);
      expect(json(reply)).toMatchObject({ file: 'calendars.json', calendars: [{ name: 'office', zone: 'Asia/Shanghai' }] });
    });

    it('should report a calendars file that does not parse', async () => {
      // given
      await writeFile(join(dir, 'calendars.yaml'), 'calendars: [ { name: x, zone: Nowhere/Here } ]');

      // when
      const reply = await send(server, { path: '/api/calendars' });

      // then
      expect(json(reply).error).toMatch(/calendars\.yaml/);
      expect(json(reply).calendars).toEqual([]);
    });

    it("should answer sopflow validate's default lint configuration without a .bpmnlintrc, and the folder's with one", async () => {
      // given
      const before = json(await send(server, { path: '/api/lint-config' }));
      await writeFile(join(dir, '.bpmnlintrc'), JSON.stringify({ extends: 'plugin:sopflow/all' }));

      // when
      const after = json(await send(server, { path: '/api/lint-config' }));

      // then
      expect(before).toEqual({ source: 'default', config: { extends: ['bpmnlint:recommended', 'plugin:sopflow/recommended'] } });
      expect(after).toEqual({ source: '.bpmnlintrc', config: { extends: 'plugin:sopflow/all' } });
    });
  });

  describe('extension points', () => {
    it('should mount extra API routes behind the token and extra static pages', async () => {
      // given
      const extraPages = join(base, 'extra');
      await mkdir(extraPages, { recursive: true });
      await writeFile(join(extraPages, 'index.html'), '<title>workbench</title>');
      const extended = await startServer({
        dir,
        modelerDir: pages,
        routes: [
          { method: 'GET', path: '/api/instances', handle: ({ res }) => sendJson(res, 200, { instances: [] }) },
          {
            method: 'POST',
            path: '/api/instances/*',
            handle: async ({ res, rest, body }) => sendJson(res, 200, { id: rest, size: (await body()).length }),
          },
          {
            method: 'GET',
            path: '/api/fails',
            handle: () => {
              throw new HttpError(418, 'teapot', 'no');
            },
          },
        ],
        pages: [{ prefix: '/workbench/', dir: extraPages }],
      });
      try {
        // when
        const list = await send(extended, { path: '/api/instances' });
        const post = await send(extended, { method: 'POST', path: '/api/instances/case-1', body: 'abc' });
        const unauthorised = await send(extended, { path: '/api/instances', token: null });
        const failing = await send(extended, { path: '/api/fails' });
        const page = await send(extended, { path: '/workbench/', token: null });
        const wrongMethod = await send(extended, { method: 'DELETE', path: '/api/instances' });

        // then
        expect(json(list)).toEqual({ instances: [] });
        expect(json(post)).toEqual({ id: 'case-1', size: 3 });
        expect(unauthorised.status).toBe(401);
        expect(failing.status).toBe(418);
        expect(page.body).toContain('workbench');
        expect(wrongMethod.status).toBe(405);
      } finally {
        await extended.close();
      }
    });

    it('should refuse a route outside /api/, where the token would not be checked', async () => {
      // when
      const starting = startServer({ dir, modelerDir: false, routes: [{ method: 'GET', path: '/open', handle: () => {} }] });

      // then
      await expect(starting).rejects.toThrow(/under \/api\//);
    });
  });
});

describe('sopflow modeler command', () => {
  let pages: string;

  beforeAll(async () => {
    pages = await mkdtemp(join(tmpdir(), 'sopflow-page-'));
    await writeFile(join(pages, 'index.html'), '<!doctype html><title>modeler</title>');
  });

  afterAll(async () => {
    await rm(pages, { recursive: true, force: true });
  });

  function io(cwd: string): Io & { out: string; err: string } {
    const box = { out: '', err: '' };
    return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env: {} });
  }

  it('should serve the folder, print the URL with its token, open it, and stop when told', async () => {
    // given
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-modeler-'));
    await writeFile(join(dir, 'a.bpmn'), DIAGRAM);
    const out = io(dir);
    const controller = new AbortController();
    const opened: string[] = [];
    let listed: Reply | undefined;

    // when
    const code = await modelerCommand(['.'], out, {
      modelerDir: pages,
      signal: controller.signal,
      open: (url) => opened.push(url),
      onListening: (server) => {
        void send(server, { path: '/api/files' }).then((reply) => {
          listed = reply;
          controller.abort();
        });
      },
    });

    // then
    expect(code).toBe(0);
    expect(out.out).toMatch(/http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}/);
    expect(opened).toHaveLength(1);
    expect(out.out).toContain(opened[0]);
    expect(listed?.status).toBe(200);
    await rm(dir, { recursive: true, force: true });
  });

  it('should not open the browser with --no-open', async () => {
    // given
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-modeler-'));
    const controller = new AbortController();
    const opened: string[] = [];

    // when
    const code = await modelerCommand(['--no-open'], io(dir), { modelerDir: pages, signal: controller.signal, open: (url) => opened.push(url), onListening: () => controller.abort() });

    // then
    expect(code).toBe(0);
    expect(opened).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('should listen for Ctrl+C before it says to press it, and stop on it', async () => {
    // given: a reader that presses Ctrl+C the moment the words appear
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-modeler-'));
    const out = io(dir);
    const reader = pressCtrlCWhenAsked(out);

    // when
    const code = await modelerCommand(['--no-open'], out, { modelerDir: pages });

    // then
    expect(reader.listenersWhenAsked()).toBe(1);
    expect(code).toBe(0);
    expect(reader.listenersNow()).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('should refuse a bad port and a missing folder', async () => {
    // when
    const badPort = modelerCommand(['--port', 'eighty'], io(tmpdir()));
    const missing = modelerCommand(['no-such-folder'], io(tmpdir()));

    // then
    await expect(badPort).rejects.toThrow(/--port 'eighty'/);
    await expect(missing).rejects.toThrow(/no-such-folder: no such folder/);
  });
});
