/**
 * A worker process for the crash tests: runs an engine on a durable store,
 * starts the cases that do not exist yet, confirms their tasks as a person
 * would, and lets the scheduler fire timers and run jobs — while killing
 * itself with SIGKILL at random points (before a commit, after a commit,
 * inside a commit's transaction, inside a job handler) when told to. Each
 * crash is printed as `crash <point>:<cause>`, the cause being what the
 * interrupted commit was for (timer, job, task, start). Exits 0 once every
 * case is completed.
 *
 * Inside the transaction (`mid-commit`): on SQLite a temporary trigger on
 * the audit table calls back into this process, which SIGKILLs itself there,
 * with the commit's rows half written and not committed. On PostgreSQL a
 * commit is one statement the server finishes even when the client dies, so
 * the server side is killed instead: the test's trigger on the audit table
 * terminates this worker's own backend in the middle of the commit's
 * transaction when the commit was armed (a row of `crash_arm`), and the
 * worker SIGKILLs itself on the error.
 *
 *   node --conditions=source --import tsx test/crash/worker.mts <store-url> <cases> <ledger-file> <crash-probability> <seed> <speed> <start> <realStart> [<boosted points>]
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createEngine, WallClock, type Commit, type Store } from '@sopflow/engine';

const [url, casesText, ledger, probabilityText, seedText, speedText, startText, realStartText, boostedText = ''] = process.argv.slice(2);
// Crash points the test has not seen hit yet (`mid-job`, `before-commit:timer`…): cut one time in two until they are.
const boosted = new Set(boostedText.split(',').filter(Boolean));
const cases = Number(casesText);
const probability = Number(probabilityText);
let seed = Number(seedText) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const die = (where: string): never => {
  process.stdout.write(`crash ${where}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};
const chance = (where: string) => (probability === 0 ? 0 : boosted.has(where) || boosted.has(where.split(':')[0]) ? 0.5 : probability);
const crash = (where: string) => {
  if (random() < chance(where)) die(where);
};

/** What a commit was for, by the audit events it appends. */
function causeOf(commit: Commit): string {
  const types = new Set(commit.audit.map((e) => e.type));
  if (types.has('timer.fired')) return 'timer';
  if (types.has('job.completed') || types.has('job.failed')) return 'job';
  if (types.has('task.completed')) return 'task';
  if (types.has('instance.started')) return 'start';
  return 'other';
}

const WORKER = `crash-worker-${process.pid}`;

async function openStore(): Promise<Store> {
  if (url.startsWith('postgres')) {
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    const pg = (await import('pg')).default;
    const [connectionString, schema] = url.split('#');
    // Named after this process: the test's trigger kills only the sessions of the worker that armed a commit.
    const pool = new pg.Pool({ connectionString, max: 10, application_name: WORKER });
    pool.on('error', () => {});
    return createPostgresStore({ pool, schema });
  }
  const { openSqliteStore } = await import('@sopflow/store-sqlite');
  return openSqliteStore(url.replace(/^sqlite:/, ''));
}

const inner = await openStore();
// Inside the commit's transaction: armed per commit, triggered by the commit's first audit row.
let armed: string | undefined;
let armPostgres: ((commit: Commit) => Promise<void>) | undefined;
if ('db' in inner) {
  const db = (inner as unknown as { db: import('better-sqlite3').Database }).db;
  db.function('sopflow_crash_point', () => (armed ? die(`mid-commit:${armed}`) : 0));
  db.exec('CREATE TEMP TRIGGER crash_mid_commit AFTER INSERT ON main.audit BEGIN SELECT sopflow_crash_point(); END');
} else {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url.split('#')[0] });
  await client.connect();
  const schema = url.split('#')[1];
  armPostgres = async (commit) =>
    void (await client.query(`INSERT INTO "${schema}".crash_arm (instance_id, worker) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [commit.audit[0].instanceId, WORKER]));
}
// Crash points around the commit: after the step was computed but before it is durable, inside it, right after.
const store: Store = Object.create(inner);
store.commit = async (commit: Commit) => {
  const cause = causeOf(commit);
  crash(`before-commit:${cause}`);
  const inside = commit.audit.length > 0 && random() < chance(`mid-commit:${cause}`);
  if (inside && armPostgres) await armPostgres(commit);
  armed = inside ? cause : undefined;
  try {
    await inner.commit(commit);
  } catch (error) {
    // The test's trigger terminated this worker's PostgreSQL backend inside the transaction: die as a crashed worker would.
    if (/terminating connection due to administrator command|Connection terminated/i.test(String((error as Error).message))) die(`mid-commit:${cause}`);
    throw error;
  } finally {
    armed = undefined;
  }
  crash(`after-commit:${cause}`);
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
      crash('mid-job:job');
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
// The PostgreSQL pool and arming client are left to the exit.
process.exit(0);
