/**
 * Entry of the bench's worker processes (forked by `storeCases.ts` with the
 * parent's Node flags): `pg-worker <schema> <name> <cases>` is one
 * PostgreSQL worker (reports `ready`, waits for `go`, reports `measured`,
 * waits for `close`); `pg-timers <schema> <name>` is one worker firing
 * due timers (reports `ready`, waits for `{ type: 'fire', at }`, reports
 * `measured`, waits for `close`); `compile-heap <nodes>` measures the heap
 * a deployment keeps in a process that has seen no other size. Ends with
 * `{ type: 'done', result }` or `{ type: 'failed', error }` over IPC.
 */
import { compileHeap } from './sopflowCases.js';
import { pgTimerWorker, pgWorker } from './storeCases.js';

type Reply = { type: 'ready' } | { type: 'measured'; result: unknown } | { type: 'done'; result: unknown } | { type: 'failed'; error: string };

function send(reply: Reply): Promise<void> {
  return new Promise((resolve) => process.send!(reply, () => resolve()));
}

async function main(): Promise<void> {
  const [job, ...args] = process.argv.slice(2);
  if (!process.send) throw new Error('child.ts runs only as a forked child of the bench.');
  try {
    let result: unknown;
    if (job === 'pg-worker') {
      // The coordinator sends 'go' (start measuring), then 'close' (after reading PostgreSQL's CPU).
      const next = (word: string) => new Promise<void>((resolve) => process.on('message', (m) => (m === word ? resolve() : undefined)));
      const go = next('go');
      const close = next('close');
      await pgWorker(
        args[0],
        args[1],
        Number(args[2]),
        async () => {
          await send({ type: 'ready' });
          await go;
        },
        async (measured) => {
          await send({ type: 'measured', result: measured });
          await close;
        },
      );
      result = null;
    } else if (job === 'pg-timers') {
      // The coordinator sends { type: 'fire', at } (move the clock there), then 'close'.
      const fire = new Promise<number>((resolve) => process.on('message', (m: { type?: string; at?: number }) => (m?.type === 'fire' ? resolve(m.at!) : undefined)));
      const close = new Promise<void>((resolve) => process.on('message', (m) => (m === 'close' ? resolve() : undefined)));
      await pgTimerWorker(
        args[0],
        args[1],
        async () => {
          await send({ type: 'ready' });
          return fire;
        },
        async (measured) => {
          await send({ type: 'measured', result: measured });
          await close;
        },
      );
      result = null;
    } else if (job === 'compile-heap') {
      result = await compileHeap(Number(args[0]));
    } else throw new Error(`unknown child job '${job}'`);
    await send({ type: 'done', result });
  } catch (error) {
    await send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
  }
  process.disconnect();
}

void main();
