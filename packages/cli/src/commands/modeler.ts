import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError, EXIT, type Io } from '../io.js';
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

/** Opens a URL with the platform's default browser; failures are ignored (the URL is printed anyway). */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener on this system: the printed URL is enough.
  }
}

function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  controller.signal.addEventListener('abort', () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  });
  return controller.signal;
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
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port '${values.port}': expected a whole number from 0 to 65535.`);
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
  io.stdout(`sopflow modeler: serving ${dir}\n  ${server.url}\nPress Ctrl+C to stop.\n`);
  options.onListening?.(server);
  if (!values['no-open']) (options.open ?? openBrowser)(server.url);
  const signal = options.signal ?? stopSignal();
  if (!signal.aborted) await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  await server.close();
  return EXIT.ok;
}
