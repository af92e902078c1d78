/**
 * A soak worker process: an engine on the shared PostgreSQL schema with its
 * scheduler on (fires timers, runs the service-task handlers of the three
 * SOPs), and the people and outside systems of its share of the cases (case
 * number mod workers): it starts them, completes their tasks as the case's
 * scenario says once the task is old enough, and sends `parcel-delivered`.
 * It keeps its own tally of what it did and samples its memory.
 *
 *   node --expose-gc --conditions=source --import tsx test/soak/worker.mts <json options>
 *
 * Prints lines the test reads: `progress …`, `mem …`, `actors-done`, and at
 * the end (after `stop` on stdin) `tally <json>`.
 */
import { readFileSync } from 'node:fs';
import { ConcurrencyConflictError, createEngine, InvalidStateError, MessageCorrelationError, NotFoundError, StoreUnavailableError, WallClock, type TaskRow } from '@sopflow/engine';
import { nodeSha256 } from '@sopflow/engine/node';
import { createPostgresStore } from '@sopflow/store-postgres';
import { answerOf, planOf, startOf, type CasePlan } from './plan.js';

interface Options {
  url: string;
  schema: string;
  name: string;
  index: number;
  workers: number;
  cases: number;
  speed: number;
  start: number;
  realStart: number;
  maxActive: number;
  sampleMs: number;
  /** Shortest time between two rounds of the people, real ms. */
  roundMs: number;
}

const o = JSON.parse(process.argv[2]) as Options;
const out = (line: string) => process.stdout.write(`${line}\n`);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc: memory is sampled after a full collection');

const store = await createPostgresStore({ connectionString: o.url, schema: o.schema, poolSize: 8 });
/** Every commit of this worker's engine: how many, how many refused on a revision conflict, real ms spent in them. */
const commits = { count: 0, conflicts: 0, ms: 0 };
{
  const original = store.commit.bind(store);
  (store as { commit: typeof store.commit }).commit = async (c) => {
    const t = Date.now();
    commits.count += 1;
    try {
      return await original(c);
    } catch (e) {
      if (e instanceof ConcurrencyConflictError) commits.conflicts += 1;
      throw e;
    } finally {
      commits.ms += Date.now() - t;
    }
  };
}
const clock = new WallClock({ speed: o.speed, start: o.start, realStart: o.realStart });
const handlerRuns: Record<string, number> = {};
const ran = (type: string) => (handlerRuns[type] = (handlerRuns[type] ?? 0) + 1);
let engineErrors = 0;
const engine = createEngine({
  store,
  clock,
  workerId: o.name,
  // What the package's Node entry uses by default (the tests import the sources, whose default is the pure-JS hash).
  hash: nodeSha256,
  // Two real seconds, whatever the speed: longer than any handler here takes.
  leaseMs: 2_000 * o.speed,
  calendars: JSON.parse(readFileSync(new URL('../../examples/calendars.json', import.meta.url), 'utf8')).calendars,
  timeZone: 'Asia/Shanghai',
  handlers: {
    'validate-order': (job) => (ran('validate-order'), { orderValid: Array.isArray(job.variables.items) && job.variables.items.length > 0 }),
    'ship-parcel': (job) => (ran('ship-parcel'), { trackingNumber: `SF-${job.instanceId.slice(0, 8)}` }),
    'check-tracking': () => void ran('check-tracking'),
    'notify-department-head': () => void ran('notify-department-head'),
    'notify-quality': () => void ran('notify-quality'),
    'archive-request': () => void ran('archive-request'),
    'notify-risk-control': () => void ran('notify-risk-control'),
  },
});
engine.on('engine.error', () => void (engineErrors += 1));

// ------------------------------------------------------------------ the people of this worker's cases

interface Case {
  plan: CasePlan;
  id: string;
  /** Completions so far, by node. */
  done: Record<string, number>;
  /** Tasks being completed right now (not looked at again until answered). */
  busy: Set<string>;
  deliverAt?: number;
  delivered: boolean;
  /** Engine time before which the parcel is not offered again (the ship job has not run yet). */
  deliverRetryAt: number;
}

const tally = {
  started: {} as Record<string, number>,
  completed: {} as Record<string, number>,
  correlated: 0,
  finished: 0,
  leftWaiting: 0,
  /** Cases that stopped at an incident (a failure: nothing in the SOPs should raise one). */
  incidents: 0,
  retries: 0,
};
const count = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

const mine: CasePlan[] = [];
for (let i = o.index; i < o.cases; i += o.workers) mine.push(planOf(i));
const active = new Map<string, Case>();
let nextToStart = 0;
const t0 = Date.now();

const retryable = (error: unknown) =>
  error instanceof StoreUnavailableError || error instanceof ConcurrencyConflictError || error instanceof NotFoundError || error instanceof InvalidStateError;

async function start(plan: CasePlan): Promise<Case> {
  const how = startOf(plan);
  let id: string;
  if ('message' in how) {
    const { started } = await engine.correlate(how.message, { key: how.key, variables: how.variables, by: `customer-${plan.index}` });
    id = started[0];
  } else {
    id = (await engine.start(how.processId, { id: `soak-${plan.index}`, businessKey: plan.key, variables: how.variables, by: String(how.variables.applicant) })).id;
  }
  count(tally.started, plan.sop);
  return { plan, id, done: {}, busy: new Set(), delivered: false, deliverRetryAt: 0 };
}

/** Runs `work` over `items`, at most `n` at once. */
async function parallel<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Completes one task as the case's scenario says. */
async function completeTask(c: Case, task: TaskRow, variables: NonNullable<ReturnType<typeof answerOf>>): Promise<void> {
  c.busy.add(task.id);
  try {
    await engine.complete(task.id, { by: task.assignee ?? { id: `person-${o.index}`, groups: task.candidateGroups }, variables });
    c.done[task.node] = (c.done[task.node] ?? 0) + 1;
    count(tally.completed, `${c.plan.sop} ${task.node}`);
    if (task.node === 'Task_OutboundCheck' && variables.checkResult === 'match') c.deliverAt = clock.now() + c.plan.deliveryMs!;
  } catch (error) {
    if (!retryable(error)) throw error;
    tally.retries += 1;
  } finally {
    c.busy.delete(task.id);
  }
}

/** Sends `parcel-delivered` for an order whose parcel is due. */
async function deliver(c: Case): Promise<void> {
  try {
    await engine.correlate('parcel-delivered', { key: c.plan.key, by: 'carrier' });
    c.delivered = true;
    tally.correlated += 1;
  } catch (error) {
    // The parcel is not shipped yet (the ship job has not run): offer it again a little later.
    if (!(error instanceof MessageCorrelationError) && !retryable(error)) throw error;
    c.deliverRetryAt = clock.now() + 10 * 60_000;
  }
}

/** How late a due timer or job may be before no new case starts: 30 engine minutes, or a quarter of a real second at high speeds. */
const LAG_LIMIT = Math.max(30 * 60_000, 250 * o.speed);
/**
 * How late the people may be (a task ready for them and not done) before no
 * new case starts: two engine hours (below every SLA of the scenarios, which
 * count working hours), or a real second at high speeds. Looser than the
 * schedulers' limit: a round of a loaded machine takes a while, and fewer
 * cases in flight only make each round do less.
 */
const PEOPLE_LAG_LIMIT = Math.max(2 * 3_600_000, 1_000 * o.speed);
let maxLag = 0;
let peopleLag = 0;
/** How late the earliest due timer or job is (engine ms). */
async function schedulerLag(now: number): Promise<number> {
  const [timer, job] = await Promise.all([store.nextTimerDue(), store.nextJobDue()]);
  const earliest = Math.min(timer ?? Infinity, job ?? Infinity);
  return Number.isFinite(earliest) ? Math.max(0, now - earliest) : 0;
}
let lastLag = 0;
/** Cases this worker may have in flight now (see the back-pressure in `actors`). */
let window = 4;

/**
 * The people and the carrier: in rounds, one look at every open task (one
 * query, whatever the number of cases), the state of each case that has none
 * (it may have ended), then the tasks old enough are completed and the
 * parcels due delivered, a few at once.
 * New cases start only while nothing is late: time runs at a fixed speed
 * whatever the machine manages, so the load is kept to what it keeps up with.
 */
async function actors(): Promise<void> {
  while (nextToStart < mine.length || active.size > 0) {
    const roundStart = Date.now();
    const now = clock.now();
    const [tasks, lag] = await Promise.all([engine.tasks({ limit: 1_000_000 }), schedulerLag(now)]);
    const tasksOf = new Map<string, TaskRow[]>();
    for (const t of tasks.items) if (active.has(t.instanceId)) tasksOf.set(t.instanceId, [...(tasksOf.get(t.instanceId) ?? []), t]);

    // A case with no open task (and no parcel on its way) may have ended, or stopped at an incident: read it, after the tasks.
    const idle = [...active.values()].filter((c) => !tasksOf.has(c.id) && (c.deliverAt === undefined || c.delivered));
    await parallel(idle, 4, async (c) => {
      const row = await store.getInstance(c.id);
      if (row && row.status === 'running' && row.incidents === 0) return;
      active.delete(c.id);
      if (row && row.status !== 'running') tally.finished += 1;
      else {
        tally.incidents += 1;
        out(`incident ${o.name} ${c.plan.key} ${c.id}`);
      }
    });

    const work: Array<() => Promise<void>> = [];
    let latest = 0;
    for (const c of active.values()) {
      const open = tasksOf.get(c.id) ?? [];
      if (c.plan.expected.waitingAt && open.some((t) => c.plan.expected.waitingAt!.includes(t.node))) {
        active.delete(c.id);
        tally.leftWaiting += 1;
        continue;
      }
      if (c.deliverAt !== undefined && !c.delivered && now >= c.deliverAt && now >= c.deliverRetryAt) {
        latest = Math.max(latest, now - c.deliverAt);
        work.push(() => deliver(c));
      }
      for (const task of open) {
        const ready = task.createdAt + c.plan.thinkMs;
        if (ready > now || c.busy.has(task.id)) continue;
        const variables = answerOf(c.plan, task.node, c.done[task.node] ?? 0, task);
        if (!variables) continue;
        latest = Math.max(latest, now - ready);
        work.push(() => completeTask(c, task, variables));
      }
    }
    lastLag = lag;
    peopleLag = latest;
    maxLag = Math.max(maxLag, lag);
    await parallel(work, 4, (w) => w());
    // Back-pressure: the cases in flight (window) grow by one a round while neither the schedulers nor the people are
    // late, and halve when they are — a slow machine finds its pace instead of piling up late work (which sets off
    // SLA reminders and escalations, more work still).
    if (lag > LAG_LIMIT || latest > PEOPLE_LAG_LIMIT) window = Math.max(2, Math.floor(Math.min(window, active.size) / 2));
    else if (lag <= LAG_LIMIT / 2 && latest <= PEOPLE_LAG_LIMIT / 2) window = Math.min(o.maxActive, window + 1);
    const starts: CasePlan[] = [];
    while (active.size + starts.length < window && nextToStart + starts.length < mine.length) {
      starts.push(mine[nextToStart + starts.length]);
    }
    nextToStart += starts.length;
    // Starting is not retried: a start whose outcome is unknown could start the case twice.
    await parallel(starts, 4, async (plan) => {
      const c = await start(plan);
      active.set(c.id, c);
    });
    const rest = o.roundMs - (Date.now() - roundStart);
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  }
}

// ------------------------------------------------------------------ memory and progress

/** Debugging a heap that grows: SOAK_SNAPSHOTS=200,800 writes a heap snapshot once that many cases were started (into SOAK_SNAPSHOT_DIR, default the working directory). */
const snapshotAt = (process.env.SOAK_SNAPSHOTS ?? '').split(',').filter(Boolean).map(Number);
function sample(label: string): void {
  gc!();
  if (snapshotAt.length && nextToStart >= snapshotAt[0]) {
    const at = snapshotAt.shift()!;
    void import('node:v8').then((v8) => out(`snapshot ${v8.writeHeapSnapshot(`${process.env.SOAK_SNAPSHOT_DIR ?? '.'}/soak-${o.name}-${at}.heapsnapshot`)}`));
  }
  const m = process.memoryUsage();
  out(`mem ${o.name} ${label} ${Date.now() - t0} ${nextToStart} ${tally.finished + tally.leftWaiting} ${m.rss} ${m.heapUsed}`);
}
const sampler = setInterval(() => {
  sample('run');
  out(`progress ${o.name} started=${nextToStart}/${mine.length} finished=${tally.finished} waiting=${tally.leftWaiting} active=${active.size}/${window} lag=${Math.round(lastLag / 60_000)}/${Math.round(peopleLag / 60_000)}min incidents=${tally.incidents} errors=${engineErrors} commits=${commits.count} (${commits.conflicts} conflicts, ${commits.count ? Math.round(commits.ms / commits.count) : 0} ms each)`);
}, o.sampleMs);

const stopped = new Promise<void>((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    if (text.includes('stop')) resolve();
  });
});

try {
  await actors();
  out(`actors-done ${o.name}`);
  // The scheduler keeps serving the other workers' cases until the test says stop.
  await stopped;
  clearInterval(sampler);
  await engine.idle();
  sample('final');
  out(`tally ${JSON.stringify({ name: o.name, ...tally, handlerRuns, engineErrors, maxLagMs: maxLag, commits })}`);
} finally {
  clearInterval(sampler);
  await engine.close();
  await store.close();
}
process.exit(0);
