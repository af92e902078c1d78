import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Clock } from '@sopflow/engine';
import { CliError, EXIT, type Io } from '../io.js';
import { openStore, redact } from '../openStore.js';
import { openBrowser, parsePort, stopSignal } from '../server/console.js';
import { startServer, type RunningServer } from '../server/startServer.js';
import { MAX_SPEED, workbenchClock } from '../workbench/clock.js';
import { deployNotice, folderCalendars, Workbench } from '../workbench/Workbench.js';
import { workbenchRoutes } from '../workbench/routes.js';

export const START_HELP = `sopflow start — the workbench: model, run and monitor SOPs in the browser

Usage: sopflow start [dir] [options]

  dir            the folder of .bpmn diagrams (default: the current folder);
                 every diagram in it (and its sub-folders) is deployed at
                 start, with the calendars file of the folder (or a parent)
  --store URL    sqlite:<file> (default ./sopflow.db) or postgres://…
  --speed N      run time N times faster than the wall clock, to watch
                 reminders and escalations happen (60 = an hour a minute)
  --port N       listen on this port (default: a free one)
  --no-open      do not open the browser; just print the URL

Three views on one local server: Run (start cases, the task inbox, messages
and signals), Monitor (cases per process, heat map, one case with its audit
trail, the KPI report) and the modeler (with a Deploy button). The engine
runs in this process with its scheduler on. The server listens on 127.0.0.1
only; the printed URL carries the access token. Stop with Ctrl+C.
`;

/** Hooks for tests and embedders; the command line uses none. */
export interface StartCommandOptions {
  /** Stops the workbench when aborted (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** Called once the server listens and the folder is deployed. */
  onListening?: (server: RunningServer, workbench: Workbench) => void;
  /** Opens the URL in a browser (default: the platform's opener). */
  open?: (url: string) => void;
  /**
   * The engine's clock instead of the wall clock (tests pass a
   * VirtualClock and move it themselves; `--speed` is then refused).
   */
  clock?: Clock;
  /** The page folder to serve (default: the modeler's build, which holds the three views). */
  pagesDir?: string;
}

/** `--speed`: a positive number up to {@link MAX_SPEED}. Pure. @throws CliError */
export function parseSpeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const speed = Number(text);
  if (!Number.isFinite(speed) || speed <= 0 || speed > MAX_SPEED) throw new CliError(`--speed '${text}': expected a number above 0 and at most ${MAX_SPEED} (60 = an hour a minute).`);
  return speed;
}

/**
 * `sopflow start [dir]`: opens the store, starts the engine with its
 * scheduler, deploys the folder's diagrams, and serves the Run, Monitor and
 * modeler views on 127.0.0.1. Resolves with exit code 0 once stopped
 * (Ctrl+C or `options.signal`), after closing the server, the engine and
 * the store.
 * @throws CliError for a bad option, a missing folder, a store that cannot be opened, a bad calendars file or a port in use
 */
export async function startCommand(args: string[], io: Io, options: StartCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      store: { type: 'string' },
      speed: { type: 'string' },
      port: { type: 'string' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(START_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new CliError(`Give one folder, not ${positionals.length}.\n\n${START_HELP}`);
  const port = parsePort(values.port);
  const speed = parseSpeed(values.speed);
  if (options.clock && values.speed !== undefined) throw new CliError('--speed cannot be combined with a given clock.');
  const given = positionals[0] ?? '.';
  const info = await stat(resolve(io.cwd, given)).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`${given}: no such folder.`);
  const dir = await realpath(resolve(io.cwd, given));
  let calendars;
  try {
    calendars = await folderCalendars(dir);
  } catch (error) {
    throw new CliError(`The calendars file of ${dir}: ${(error as Error).message}`);
  }

  const { store, target } = await openStore(values.store ?? io.env.SOPFLOW_STORE, io.cwd);
  const storeLabel = target.kind === 'sqlite' ? `sqlite:${target.location}` : redact(target.location);
  let workbench: Workbench;
  try {
    const clock = options.clock ?? (await workbenchClock(store, speed));
    workbench = await Workbench.open({ dir, store, storeLabel, clock, speed: options.clock ? 0 : speed, calendars: calendars.calendars });
  } catch (error) {
    await store.close();
    throw error;
  }
  let server: RunningServer | undefined;
  try {
    io.stdout(`sopflow start: ${dir}\n  store ${storeLabel}${calendars.file ? `\n  calendars ${calendars.file}` : ''}${speed !== 1 ? `\n  time runs ${speed}× faster than the wall clock` : ''}\n`);
    for (const result of await workbench.deployFolder()) io.stdout(`  ${deployNotice(result)}\n`);
    server = await startServer({
      dir,
      port,
      routes: workbenchRoutes(workbench),
      ...(options.pagesDir ? { modelerDir: options.pagesDir } : {}),
      onError: (error) => io.stderr(`sopflow start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`),
    });
  } catch (error) {
    await workbench.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`Port ${port} is in use: choose another with --port, or leave it out for a free one.`);
    if (error instanceof CliError) throw error;
    throw new CliError((error as Error).message);
  }
  const url = (page: string) => `${server!.origin}/${page}?token=${server!.token}`;
  // Before the words below: whoever reads them may press Ctrl+C at once.
  const signal = options.signal ?? stopSignal();
  io.stdout(`\nThe workbench is ready:\n  Run      ${url('run.html')}\n  Monitor  ${url('monitor.html')}\n  Modeler  ${url('')}&workbench=1\nPress Ctrl+C to stop.\n`);
  options.onListening?.(server, workbench);
  if (!values['no-open']) (options.open ?? openBrowser)(url('run.html'));
  if (!signal.aborted) await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  await server.close();
  await workbench.close();
  io.stdout('sopflow start: stopped (engine and store closed).\n');
  return EXIT.ok;
}
