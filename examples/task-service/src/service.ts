/**
 * The task service: an engine over a store (its scheduler on: timers,
 * reminders and job handlers run in this process), the SOPs of a folder
 * deployed, and the HTTP API of `routes.ts`. `close()` shuts down in order:
 * stop accepting requests, let the ones in flight finish, stop the engine
 * (it waits for running handlers), close the store.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createEngine, parseCalendarFile, WallClock, type Clock, type Engine, type Store } from '@sopflow/engine';
import { sopHandlers } from './handlers.js';
import { taskRoutes } from './routes.js';
import { openStore } from './store.js';

export interface TaskServiceOptions {
  /** `sqlite:<file>` or `postgres://…`. */
  store: string;
  /** PostgreSQL schema (default `sopflow`). */
  schema?: string;
  /** Folder whose `.bpmn` files (sub-folders included) are deployed at start, with its calendars.json. */
  diagrams: string;
  port?: number;
  host?: string;
  clock?: Clock;
  /** How long in-flight requests may take to finish on shutdown (default 10 s). */
  shutdownMs?: number;
  log?: (line: string) => void;
}

export interface TaskService {
  url: string;
  engine: Engine;
  store: Store;
  close(): Promise<void>;
}

async function bpmnFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await bpmnFiles(path)));
    else if (entry.name.endsWith('.bpmn')) files.push(path);
  }
  return files.sort();
}

/** Opens the store, starts the engine, deploys the diagrams and listens. */
export async function startTaskService(options: TaskServiceOptions): Promise<TaskService> {
  const log = options.log ?? (() => {});
  const store = await openStore(options.store, { ...(options.schema ? { schema: options.schema } : {}) });
  const calendarsFile = join(options.diagrams, 'calendars.json');
  const calendars = await readFile(calendarsFile, 'utf8').then((text) => parseCalendarFile(text, 'calendars.json'), () => []);
  const engine = createEngine({ store, clock: options.clock ?? new WallClock(), calendars, handlers: sopHandlers(log), ...(calendars[0] ? { timeZone: calendars[0].zone } : {}) });
  try {
    for (const file of await bpmnFiles(options.diagrams)) {
      const { processes } = await engine.deploy(await readFile(file));
      log(`deployed ${processes.map((p) => `${p.id} v${p.version}`).join(', ')}`);
    }
  } catch (error) {
    await engine.close();
    await store.close();
    throw error;
  }
  const server = createServer((req, res) => void taskRoutes(engine)(req, res));
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => ready());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    engine,
    store,
    close: () =>
      (closing ??= (async () => {
        // No new connections; idle keep-alive ones go now, busy ones when their request is answered.
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        const timer = setTimeout(() => server.closeAllConnections(), options.shutdownMs ?? 10_000);
        await closed;
        clearTimeout(timer);
        await engine.close();
        await store.close();
      })()),
  };
}
