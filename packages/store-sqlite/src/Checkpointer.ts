/**
 * Background WAL checkpoints. A checkpoint copies committed pages from the
 * `-wal` file back into the database file and syncs both — the slowest part
 * of an SQLite commit when it runs inline (SQLite's automatic checkpoint
 * runs inside whichever commit crosses the threshold, fsyncs included). Here
 * a worker thread with its own connection runs `PRAGMA
 * wal_checkpoint(PASSIVE)` every `intervalMs`, as SQLite's documentation
 * suggests for applications: the engine's thread only appends to the WAL,
 * and what was committed more than about one interval ago is synced to the
 * disk. PASSIVE never blocks a writer or a reader; it copies what it can.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** One checkpoint that found work: frames in the WAL and frames copied to the file. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/** How to run the background checkpoints. */
export interface CheckpointerOptions {
  path: string;
  intervalMs: number;
  busyTimeoutMs: number;
  /** Called on the store's thread after each checkpoint that copied frames (tests, monitoring). */
  onCheckpoint?: (result: CheckpointResult) => void;
}

// CommonJS, evaluated in the worker: no file to ship or resolve besides better-sqlite3 itself.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
// A checkpoint copies WAL frames to the file; it needs next to no page cache.
db.pragma('cache_size = -256');
let last = '';
const run = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    const seen = result.log + ':' + result.checkpointed;
    if (result.checkpointed > 0 && seen !== last) parentPort.postMessage({ log: result.log, checkpointed: result.checkpointed });
    last = seen;
  } catch {
    // Busy or locked this time: the next interval tries again (the store's own
    // automatic checkpoint is the safety net).
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

/**
 * Runs checkpoints of one database file on a worker thread until `stop()`.
 * Has effects: a thread and a second connection to the file. The thread does
 * not keep the process alive.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(options: CheckpointerOptions) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, path: options.path, intervalMs: options.intervalMs, busyTimeoutMs: options.busyTimeoutMs },
      // A few objects a second: a small heap keeps the thread's memory small.
      resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
    });
    this.worker.on('message', (result: CheckpointResult) => options.onCheckpoint?.(result));
    // A failing worker (e.g. the file could not be opened) only stops background
    // checkpoints; the connection's automatic checkpoint still bounds the WAL.
    this.worker.on('error', () => {});
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // Last: adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /** Runs a last checkpoint, closes the worker's connection and waits for the thread to end. */
  async stop(): Promise<void> {
    // Held again while stopping: otherwise a process with nothing else to do would exit before `stop()` resolves.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
