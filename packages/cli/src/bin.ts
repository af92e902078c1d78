#!/usr/bin/env node
import { main } from './cli.js';

const io = {
  // A full pipe (a slow reader) answers with a promise of its 'drain': exports wait for it.
  stdout: (text: string): void | Promise<void> => (process.stdout.write(text) ? undefined : new Promise<void>((drained) => process.stdout.once('drain', drained))),
  stderr: (text: string) => void process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

// A reader that stops early (`sopflow audit export | head`) closes the pipe: stop quietly, as Unix tools do, not with an EPIPE stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sopflow: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
