import type { Io } from '../src/io.js';

/**
 * Makes `io` a reader that presses Ctrl+C (emits SIGINT) the moment the
 * command prints "Press Ctrl+C", and records how many SIGINT listeners the
 * command had added by then (`listenersNow`: how many it has added now).
 */
export function pressCtrlCWhenAsked(io: Io): { listenersWhenAsked(): number; listenersNow(): number } {
  const before = process.listenerCount('SIGINT');
  let listening = -1;
  const write = io.stdout;
  io.stdout = (text: string) => {
    write(text);
    if (!text.includes('Press Ctrl+C')) return;
    listening = process.listenerCount('SIGINT') - before;
    setImmediate(() => process.emit('SIGINT'));
  };
  return { listenersWhenAsked: () => listening, listenersNow: () => process.listenerCount('SIGINT') - before };
}
