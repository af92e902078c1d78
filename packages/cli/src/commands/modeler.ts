import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type Io } from '../io.js';
import { openBrowser, parsePort, stopSignal } from '../server/console.js';
import { startServer, type RunningServer } from '../server/startServer.js';

export const MODELER_HELP = `sopflow modeler — draw, check and try SOP diagrams in the browser

Usage: sopflow modeler [dir] [options]

  dir          the folder of .bpmn diagrams (default: the current folder);
               sub-folders are listed too, and calendars.json|yaml|yml in
               the folder (or a parent) feeds the calendar list and the
               simulation
  --port N     listen on this port (default: a free one)
  --no-open    do not open the browser; just print the URL

The server listens on 127.0.0.1 only. The URL it prints carries a random
token: only a page opened with it can read or save diagrams. Stop with Ctrl+C.
`;

/** Hooks for tests and embedders; the command line uses none. */
export interface ModelerCommandOptions {
  /** Stops the server when aborted (default: SIGINT or SIGTERM). */
  signal?: AbortSignal;
  /** Called once the server listens. */
  onListening?: (server: RunningServer) => void;
  /** Opens the URL in a browser (default: the platform's opener). */
  open?: (url: string) => void;
  /** The page folder to serve (default: the modeler's build). */
  modelerDir?: string;
}

/**
 * `sopflow modeler [dir]`: serves the modeler for a folder of diagrams on
 * 127.0.0.1 and opens it in the browser. Resolves with exit code 0 when the
 * server is stopped (Ctrl+C, or `options.signal`).
 * @throws CliError for a bad port, a missing folder, a port in use, or a modeler that is not built
 */
export async function modelerCommand(args: string[], io: Io, options: ModelerCommandOptions = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'no-open': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(MODELER_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new CliError(`Give one folder, not ${positionals.length}.\n\n${MODELER_HELP}`);
  const port = parsePort(values.port);
  const dir = resolve(io.cwd, positionals[0] ?? '.');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`${positionals[0] ?? dir}: no such folder.`);
  let server: RunningServer;
  try {
    server = await startServer({ dir, port, ...(options.modelerDir ? { modelerDir: options.modelerDir } : {}), onError: (error) => io.stderr(`sopflow modeler: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`Port ${port} is in use: choose another with --port, or leave it out for a free one.`);
    throw new CliError((error as Error).message);
  }
  // Before the words below: whoever reads them may press Ctrl+C at once.
  const signal = options.signal ?? stopSignal();
  io.stdout(`sopflow modeler: serving ${dir}\n  ${server.url}\nPress Ctrl+C to stop.\n`);
  options.onListening?.(server);
  if (!values['no-open']) (options.open ?? openBrowser)(server.url);
  if (!signal.aborted) await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  await server.close();
  return EXIT.ok;
}
