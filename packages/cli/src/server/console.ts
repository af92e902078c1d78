import { spawn } from 'node:child_process';
import { CliError } from '../io.js';

/** Opens a URL with the platform's default browser; failures are ignored (the URL is printed anyway). */
export function openBrowser(url: string): void {
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

/**
 * Aborted by the first SIGINT or SIGTERM; from then on those signals have
 * their default effect again. Call it before telling the user to press
 * Ctrl+C: someone who presses it the moment the words appear (or a test, or
 * a process manager) must find the handler there — a busy machine can run
 * the reader of the output before the next line of this process.
 */
export function stopSignal(): AbortSignal {
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

/** The `--port` of a server command: 0 (any free port) when not given. @throws CliError for anything but a whole number from 0 to 65535 */
export function parsePort(text: string | undefined): number {
  const port = text === undefined ? 0 : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port '${text}': expected a whole number from 0 to 65535.`);
  return port;
}
