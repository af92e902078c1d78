/**
 * A worker process for the crash tests: runs an engine on a durable store,
 * starts the cases that do not exist yet, confirms their tasks as a person
 * would, and lets the scheduler fire timers and run jobs — while killing
 * itself with SIGKILL at random points (before a commit, after a commit,
 * inside a job handler) when told to. Exits 0 once every case is completed.
 *
 *   node --conditions=source --import tsx test/crash/worker.mts <store-url> <cases> <ledger-file> <crash-probability> <seed> <speed> <start> <realStart>
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createEngine, WallClock, type Commit, type Store } from '@sopflow/engine';

const [url, casesText, ledger, probabilityText, seedText, speedText, startText, realStartText] = process.argv.slice(2);
const cases = Number(casesText);
const probability = Number(probabilityText);
let seed = Number(seedText) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const crash = (where: string) => {
  if (probability > 0 && random() < probability) {
    process.stdout.write(`crash ${where}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
};

async function openStore(): Promise<Store> {
  if (url.startsWith('postgres')) {
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    const [connectionString, schema] = url.split('#');
    return createPostgresStore({ connectionString, schema });
  }
  const { openSqliteStore } = await import('@sopflow/store-sqlite');
  return openSqliteStore(url.replace(/^sqlite:/, ''));
}

const inner = await openStore();
// Crash points around the commit: after the step was computed but before it is durable, and right after.
const store: Store = Object.create(inner);
store.commit = async (commit: Commit) => {
  crash('before-commit');
  await inner.commit(commit);
  crash('after-commit');
};

const clock = new WallClock({ speed: Number(speedText), start: Number(startText), realStart: Number(realStartText) });
const engine = createEngine({
  store,
  clock,
  workerId: `worker-${process.pid}`,
  // Leases are in engine time: at 600× speed, 60 s of engine time is 100 ms of real time.
  leaseMs: 60_000,
  handlers: {
    charge: async (job) => {
      // The side effect happens outside the engine; it is recorded with the idempotency key, as a real
      // payment call would be made idempotent. A crash here means the job runs again after its lease.
      appendFileSync(ledger, `${job.instanceId} ${job.idempotencyKey}\n`);
      crash('mid-job');
      await new Promise((r) => setTimeout(r, random() * 5));
      return { charged: true };
    },
  },
});

await engine.deploy(readFileSync(new URL('./crash.bpmn', import.meta.url)));
for (let i = 0; i < cases; i++) {
  const id = `case-${i}`;
  if (await inner.getInstance(id)) continue;
  await engine.start('crash', { id, variables: { n: i } });
}
for (;;) {
  const { items } = await engine.tasks({ processId: 'crash', limit: 50 });
  for (const task of items) {
    try {
      await engine.complete(task.id, { by: { id: 'confirmer', groups: ['ops'] } });
    } catch {
      // another worker (or a retry) completed it first
    }
  }
  const running = await inner.findInstances({ processId: 'crash', status: 'running', limit: 1 });
  if (running.total === 0 && (await inner.findInstances({ processId: 'crash', limit: 1 })).total === cases) break;
  await new Promise((r) => setTimeout(r, 20));
}
await engine.close();
await inner.close();
process.stdout.write('done\n');
