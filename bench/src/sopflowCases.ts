/**
 * The sopflow side of every case, measured through the built package
 * (`@sopflow/engine` → `packages/engine/dist`) with a MemoryStore, a
 * VirtualClock and deterministic ids. Every case checks that its instances
 * really ran (completion events counted, a sample read back from the
 * engine and its audit trail) and throws when they did not.
 */
import { createHash } from 'node:crypto';
import { createEngine, defaultHash, MemoryStore, sha256Hex, VirtualClock, type Engine, type HashFn } from '@sopflow/engine';
import { REVIEW_PROCESS, reviewDiagram, SEQUENCE_PROCESS, sequenceDiagram, TIMER_PROCESS, timerDiagram } from './diagrams.js';
import { heapPerInstance, throughput, timed, type HeapPerInstance, type Throughput } from './measure.js';

interface Harness {
  engine: Engine;
  clock: VirtualClock;
  store: MemoryStore;
  /** Instances that reached `instance.completed` so far. */
  completed(): number;
}

/** The two SHA-256 implementations an engine can hash its audit trail with. */
export type HashKind = 'native' | 'pure-JS';

export const HASH_LABELS: Record<HashKind, string> = {
  native: "native SHA-256 (Node's crypto)",
  'pure-JS': 'pure-JS SHA-256 (what browsers get)',
};

/** The engine's default audit hash in this process (Node's entry of the package may set the native one). */
export const DEFAULT_HASH: HashKind = defaultHash() === sha256Hex ? 'pure-JS' : 'native';
/** The other implementation, injected with `createEngine({ hash })` to show what hashing costs. */
export const OTHER_HASH: HashKind = DEFAULT_HASH === 'native' ? 'pure-JS' : 'native';

/** Which audit hash a case's engine uses: the package default or {@link OTHER_HASH}. */
export type AuditHash = 'default' | 'other';

const nativeSha256: HashFn = (text) => createHash('sha256').update(text).digest('hex');

/** A fresh engine: MemoryStore, VirtualClock at 0, ids `i1`, `i2`, … */
function harness(hash: AuditHash = 'default'): Harness {
  let next = 0;
  let completed = 0;
  const clock = new VirtualClock(0);
  const store = new MemoryStore();
  const injected = hash === 'other' ? { hash: OTHER_HASH === 'native' ? nativeSha256 : sha256Hex } : {};
  const engine = createEngine({ clock, store, ids: () => `i${++next}`, ...injected });
  engine.on('instance.completed', () => completed++);
  return { engine, clock, store, completed: () => completed };
}

async function deploy(engine: Engine, xml: string): Promise<void> {
  const result = await engine.deploy(xml);
  if (result.warnings.length) throw new Error(`sopflow deploy warnings: ${result.warnings.map((w) => w.message).join('; ')}`);
}

/** Throws unless the instance's audit trail entered exactly these nodes in this order. */
async function expectPath(engine: Engine, instanceId: string, nodes: string[]): Promise<void> {
  const trail = await engine.audit.query({ instanceId, types: ['node.entered'], limit: nodes.length + 10 });
  const entered = trail.items.map((e) => e.node);
  if (entered.join(',') !== nodes.join(',')) {
    throw new Error(`sopflow instance ${instanceId} took [${entered.slice(0, 20).join(', ')}${entered.length > 20 ? ', …' : ''}], expected [${nodes.slice(0, 20).join(', ')}…].`);
  }
}

/** Throws unless the instance completed and its audit hash chain verifies. */
async function expectCompleted(engine: Engine, instanceId: string): Promise<void> {
  const view = await engine.instance(instanceId);
  if (view.status !== 'completed') throw new Error(`sopflow instance ${instanceId} is ${view.status}, not completed.`);
  const audit = await engine.audit.verify(instanceId);
  if (!audit.ok) throw new Error(`sopflow instance ${instanceId}: audit chain does not verify: ${audit.problems.map((p) => p.message).join('; ')}`);
}

function sequencePath(tasks: number): string[] {
  return ['start', ...Array.from({ length: tasks }, (_, i) => `task${i + 1}`), 'end'];
}

/** Instances/s of start → `tasks` plain tasks → end, each `engine.start` awaited. */
export async function sequenceThroughput(tasks: number, timing: { warmupMs: number; durationMs: number }, hash: AuditHash = 'default'): Promise<Throughput> {
  const h = harness(hash);
  await deploy(h.engine, sequenceDiagram(tasks));
  const first = await h.engine.start(SEQUENCE_PROCESS);
  await expectCompleted(h.engine, first.id);
  await expectPath(h.engine, first.id, sequencePath(tasks));
  let started = 1;
  let last = first.id;
  const result = await throughput(async () => {
    const view = await h.engine.start(SEQUENCE_PROCESS);
    started++;
    last = view.id;
  }, timing);
  await expectCompleted(h.engine, last);
  if (h.completed() !== started) throw new Error(`sopflow sequence: ${started} started, ${h.completed()} completed.`);
  await h.engine.close();
  return result;
}

/**
 * Instances/s of start → user task → exclusive gateway → end: start, then
 * `engine.complete(task, { by: 'system', variables: { approved } })`,
 * alternating approved and rejected.
 */
export async function reviewThroughput(timing: { warmupMs: number; durationMs: number }, hash: AuditHash = 'default'): Promise<Throughput> {
  const h = harness(hash);
  await deploy(h.engine, reviewDiagram('feel'));
  let started = 0;
  const sample: Array<{ id: string; approved: boolean }> = [];
  const runOne = async (i: number) => {
    const approved = i % 2 === 0;
    const view = await h.engine.start(REVIEW_PROCESS);
    started++;
    const task = view.activities[0]?.task;
    if (!task) throw new Error(`sopflow review: instance ${view.id} is not waiting at a user task (${view.status}).`);
    await h.engine.complete(task, { by: 'system', variables: { approved } });
    if (sample.length < 2) sample.push({ id: view.id, approved });
  };
  const result = await throughput(runOne, timing);
  if (h.completed() !== started) throw new Error(`sopflow review: ${started} started, ${h.completed()} completed.`);
  for (const { id, approved } of sample) {
    await expectCompleted(h.engine, id);
    await expectPath(h.engine, id, ['start', 'reviewTask', 'decide', approved ? 'approved' : 'rejected']);
  }
  await h.engine.close();
  return result;
}

/** Heap per instance waiting at the user task, plus what one task lookup by instance costs at that size. */
export async function waitingHeap(count: number): Promise<HeapPerInstance & { tasksByInstanceMs: number }> {
  const h = harness();
  await deploy(h.engine, reviewDiagram('feel'));
  const ids: string[] = [];
  const heap = await heapPerInstance(
    count,
    async (n) => {
      for (let i = 0; i < n; i++) ids.push((await h.engine.start(REVIEW_PROCESS)).id);
      return h;
    },
    async () => {
      const open = await h.engine.tasks({ processId: REVIEW_PROCESS, limit: 1 });
      if (open.total !== count) throw new Error(`sopflow waiting heap: ${open.total} open tasks for ${count} instances.`);
      if (h.completed() !== 0) throw new Error(`sopflow waiting heap: ${h.completed()} instances completed instead of waiting.`);
      const view = await h.engine.instance(ids[ids.length - 1]);
      if (view.status !== 'running' || view.activities[0]?.node !== 'reviewTask') throw new Error(`sopflow waiting heap: last instance is ${view.status}, not waiting at reviewTask.`);
    },
  );
  // The lookup an application makes to find an instance's task (engine.tasks({ instanceId })), timed with `count` tasks open.
  const probes = 20;
  const lookup = await timed(async () => {
    for (let i = 0; i < probes; i++) {
      const page = await h.engine.tasks({ instanceId: ids[(i * 7919) % ids.length] });
      if (page.total !== 1) throw new Error(`sopflow tasks({ instanceId }) found ${page.total} tasks, expected 1.`);
    }
  });
  await h.engine.close();
  return { ...heap, tasksByInstanceMs: lookup.ms / probes };
}

/** One long generated sequence (e.g. 10,000 tasks): deploy and run-to-end times. */
export async function longSequence(tasks: number): Promise<{ tasks: number; deployMs: number; runMs: number; completed: boolean; status: string }> {
  const h = harness();
  const xml = sequenceDiagram(tasks);
  const deployed = await timed(() => deploy(h.engine, xml));
  const run = await timed(() => h.engine.start(SEQUENCE_PROCESS));
  const view = await h.engine.instance(run.value.id);
  const completed = view.status === 'completed' && h.completed() === 1;
  if (completed) {
    await expectCompleted(h.engine, view.id);
    await expectPath(h.engine, view.id, sequencePath(tasks));
  }
  await h.engine.close();
  return { tasks, deployMs: deployed.ms, runMs: run.ms, completed, status: view.status };
}

/**
 * `count` instances each waiting at a `PT1H` intermediate timer catch event,
 * then one `clock.advance('PT1H')` that fires them all. Times both phases.
 */
export async function timersDueAtOnce(count: number): Promise<{ count: number; startMs: number; advanceMs: number; firedPerSecond: number }> {
  const h = harness();
  await deploy(h.engine, timerDiagram('PT1H'));
  let first = '';
  const started = await timed(async () => {
    for (let i = 0; i < count; i++) {
      const view = await h.engine.start(TIMER_PROCESS);
      if (i === 0) first = view.id;
    }
  });
  const due = await h.store.nextTimerDue();
  if (due !== 3_600_000) throw new Error(`sopflow timers: next timer due at ${due}, expected 3600000 (PT1H after 0).`);
  if (h.completed() !== 0) throw new Error(`sopflow timers: ${h.completed()} instances completed before the clock moved.`);
  const advanced = await timed(() => h.clock.advance('PT1H'));
  if (h.completed() !== count) throw new Error(`sopflow timers: ${h.completed()} of ${count} instances completed after advance('PT1H').`);
  if ((await h.store.nextTimerDue()) !== undefined) throw new Error('sopflow timers: timers left after every instance completed.');
  await expectCompleted(h.engine, first);
  await expectPath(h.engine, first, ['start', 'wait', 'end']);
  await h.engine.close();
  return { count, startMs: started.ms, advanceMs: advanced.ms, firedPerSecond: count / (advanced.ms / 1000) };
}
