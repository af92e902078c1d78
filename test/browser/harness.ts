/**
 * What the browser tests share: Debian's Chromium through playwright-core,
 * a fresh copy of the example SOPs in a temp folder, the real modeler
 * server on it, and screenshots kept in test-results/browser/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { VirtualClock } from '@sopflow/engine';
import { startCommand } from '../../packages/cli/src/commands/start.js';
import { startServer, type RunningServer } from '../../packages/cli/src/server/startServer.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.SOPFLOW_CHROMIUM ?? '/usr/bin/chromium';
const MODELER = join(ROOT, 'packages/modeler');
const RESULTS = join(ROOT, 'test-results/browser');

/**
 * Whether the browser tests can run. Without Chromium they are skipped with
 * a printed reason, except in CI (`CI=true`), where that is a failure.
 * @throws Error in CI when Chromium is missing
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `Chromium not found at ${CHROMIUM} (install Debian's chromium, or set SOPFLOW_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(`Browser tests cannot run in CI: ${reason}.`);
  console.warn(`Skipping the modeler browser tests: ${reason}.`);
  return false;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    newest = Math.max(newest, info.isDirectory() ? newestSource(path) : info.mtimeMs);
  }
  return newest;
}

/**
 * Builds the modeler (`vite build`) unless its dist/ is newer than what it
 * bundles: its own sources, the engine, moddle and lint sources, and the
 * example diagrams it ships as templates.
 */
export function ensureModelerBuilt(): void {
  const index = join(MODELER, 'dist/index.html');
  const bundled = ['packages/modeler/src', 'packages/engine/src', 'packages/moddle/src', 'packages/moddle/resources', 'packages/lint/src', 'packages/i18n/src', 'examples'];
  const sources = Math.max(...bundled.map((dir) => newestSource(join(ROOT, dir))), statSync(join(MODELER, 'index.html')).mtimeMs, statSync(join(MODELER, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'], { cwd: MODELER, stdio: 'pipe' });
}

/** A temp folder with the three example SOPs (each in its folder) and the calendars file. */
export async function exampleFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sopflow-modeler-'));
  for (const sop of ['order-handling', 'complaint-escalation', 'cross-department-approval']) {
    await mkdir(join(dir, sop));
    await cp(join(ROOT, 'examples', sop, `${sop}.bpmn`), join(dir, sop, `${sop}.bpmn`));
  }
  await cp(join(ROOT, 'examples/calendars.json'), join(dir, 'calendars.json'));
  return dir;
}

/** A running modeler: server, browser, page, and a screenshot helper. */
export interface Modeler {
  dir: string;
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw. */
  errors: string[];
  /** Saves a screenshot as test-results/browser/<test>/<nn>-<step>.png. */
  shot(step: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the server on a fresh example folder and opens the modeler in a new
 * Chromium profile; `locale` is the browser's language (`navigator.languages`,
 * default Chromium's own, en-US).
 */
export async function openModeler(test: string, viewport = { width: 1440, height: 900 }, options: { locale?: string } = {}): Promise<Modeler> {
  const dir = await exampleFolder();
  const server = await startServer({ dir });
  const profile = await mkdtemp(join(tmpdir(), 'sopflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    ...(options.locale ? { locale: options.locale } : {}),
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A 409 is the server's answer to a stale save, which the page handles: the browser still logs it.
    if (message.type() === 'error' && !/status of 409 \(Conflict\)/.test(message.text())) errors.push(message.text());
  });
  await page.goto(server.url);
  const folder = join(RESULTS, test.replace(/[^\w-]+/g, '-'));
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  let n = 0;
  return {
    dir,
    server,
    context,
    page,
    errors,
    shot: async (step) => {
      await page.screenshot({ path: join(folder, `${String(++n).padStart(2, '0')}-${step}.png`) });
    },
    close: async () => {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens a diagram from the file list and waits until it is drawn. */
export async function openDiagram(page: Page, path: string): Promise<void> {
  await page.locator(`#file-list li[data-path="${path}"] button`).click();
  await page.locator('#file-name', { hasText: path }).waitFor();
  await page.locator('.djs-element.djs-shape').first().waitFor();
}

/** The workbench (`sopflow start`) on a temp copy of the examples and a temp SQLite file, and Chromium on it. */
export interface Workbench {
  dir: string;
  /** The engine's time: the test moves it (`clock.advance`), the scheduler fires what falls due. */
  clock: VirtualClock;
  server: RunningServer;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw (a 403 refusal the page shows is not one). */
  errors: string[];
  /** What the command printed so far. */
  output(): string;
  /** A workbench page's URL with the token: `run.html`, `monitor.html`, `` for the modeler. */
  url(page: string, hash?: string): string;
  /** Closes the browser, stops the command (checking it stopped cleanly) and removes the temp folders. */
  close(): Promise<void>;
}

/**
 * Starts the real start command on a fresh example folder, its time a
 * VirtualClock at Monday 2026-11-23 09:00 in Shanghai handed to it as a
 * test hook, and opens Chromium (`locale` is the browser's language).
 */
export async function startWorkbench(options: { locale?: string; viewport?: { width: number; height: number } } = {}): Promise<Workbench> {
  const dir = await exampleFolder();
  const clock = new VirtualClock('2026-11-23T09:00+08:00');
  const stop = new AbortController();
  let output = '';
  let server!: RunningServer;
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const io = { stdout: (t: string) => void (output += t), stderr: (t: string) => void (output += t), cwd: dir, env: {} };
  const stopped = startCommand(['.', '--store', `sqlite:${join(dir, 'workbench.db')}`, '--no-open'], io, {
    clock,
    signal: stop.signal,
    onListening: (s) => {
      server = s;
      ready();
    },
  });
  await Promise.race([listening, stopped.then(() => Promise.reject(new Error(output)))]);
  const profile = await mkdtemp(join(tmpdir(), 'sopflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...(options.locale ? { locale: options.locale } : {}),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // A 403 is the server refusing a task to someone it is not for, which the page shows: the browser still logs it.
  page.on('console', (message) => void (message.type() === 'error' && !/status of 403 \(Forbidden\)/.test(message.text()) && errors.push(message.text())));
  return {
    dir,
    clock,
    server,
    context,
    page,
    errors,
    output: () => output,
    url: (name, hash = '') => `${server.origin}/${name}?token=${server.token}${hash ? `#${hash}` : ''}`,
    close: async () => {
      await context.close();
      stop.abort();
      const code = await stopped;
      await rm(profile, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
      if (code !== 0 || !output.includes('stopped (engine and store closed)')) throw new Error(`The workbench did not stop cleanly (exit ${code}):\n${output}`);
    },
  };
}
