/**
 * The sopflow side of every case, measured through the built package
 * (`@sopflow/engine` → `packages/engine/dist`) with a MemoryStore, a
 * VirtualClock and deterministic ids. Every case checks that its instances
 * really ran (completion events counted, a sample read back from the
 * engine and its audit trail) and throws when they did not.
 */
import { createHash } from 'node:crypto';
import { compile, createEngine, defaultHash, MemoryStore, parse, sha256Hex, VirtualClock, type Engine, type HashFn, type Store } from '@sopflow/engine';
import {
  GENERATED_PROCESS,
  generatedDiagram,
  MULTI_PROCESS,
  multiInstanceDiagram,
  NESTED_PROCESS,
  nestedDiagram,
  nestedIds,
  PARALLEL_PROCESS,
  parallelDiagram,
  REVIEW_PROCESS,
  reviewDiagram,
  SEQUENCE_PROCESS,
  sequenceDiagram,
  TIMER_PROCESS,
  timerDiagram,
  withPrefixedIds,
} from './diagrams.js';
import { heapPerInstance, heapUsedAfterGc, throughput, timed, type HeapPerInstance, type Throughput } from './measure.js';

export interface Harness {
  engine: Engine;
  clock: VirtualClock;
  store: Store;
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

/** A fresh engine: MemoryStore (unless given a store), VirtualClock at 0, ids `i1`, `i2`, … */
export function harness(hash: AuditHash = 'default', store: Store = new MemoryStore()): Harness {
  let next = 0;
  let completed = 0;
  const clock = new VirtualClock(0);
  const injected = hash === 'other' ? { hash: OTHER_HASH === 'native' ? nativeSha256 : sha256Hex } : {};
  const engine = createEngine({ clock, store, ids: () => `i${++next}`, ...injected });
  engine.on('instance.completed', () => completed++);
  return { engine, clock, store, completed: () => completed };
}

export async function deploy(engine: Engine, xml: string): Promise<void> {
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
    const id = await runReview(h.engine, approved);
    started++;
    if (sample.length < 2) sample.push({ id, approved });
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

/** One user task → gateway instance: start, then complete its task with `approved`. Returns the instance id. */
export async function runReview(engine: Engine, approved: boolean): Promise<string> {
  const view = await engine.start(REVIEW_PROCESS);
  const task = view.activities[0]?.task;
  if (!task) throw new Error(`sopflow review: instance ${view.id} is not waiting at a user task (${view.status}).`);
  await engine.complete(task, { by: 'system', variables: { approved } });
  return view.id;
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
 * On a MemoryStore unless given another (empty) store.
 */
export async function timersDueAtOnce(count: number, store?: Store): Promise<{ count: number; startMs: number; advanceMs: number; firedPerSecond: number }> {
  const h = harness('default', store);
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

/** Instances/s of start → parallel fork → `branches` plain tasks → join → end, each `engine.start` awaited. */
export async function parallelThroughput(branches: number, timing: { warmupMs: number; durationMs: number }, hash: AuditHash = 'default'): Promise<Throughput> {
  const h = harness(hash);
  await deploy(h.engine, parallelDiagram(branches));
  const first = await h.engine.start(PARALLEL_PROCESS);
  await expectCompleted(h.engine, first.id);
  const trail = await h.engine.audit.query({ instanceId: first.id, types: ['node.entered'], limit: 3 * branches + 10 });
  const entered = trail.items.map((e) => e.node);
  const branchesEntered = entered.filter((n) => n?.startsWith('task')).length;
  // The join is entered once per arriving token; it leaves once.
  if (branchesEntered !== branches || entered[0] !== 'start' || entered.at(-1) !== 'end' || entered.filter((n) => n === 'join').length !== branches) {
    throw new Error(`sopflow parallel: instance ${first.id} entered [${entered.join(', ')}].`);
  }
  let started = 1;
  let last = first.id;
  const result = await throughput(async () => {
    const view = await h.engine.start(PARALLEL_PROCESS);
    started++;
    last = view.id;
  }, timing);
  await expectCompleted(h.engine, last);
  if (h.completed() !== started) throw new Error(`sopflow parallel: ${started} started, ${h.completed()} completed.`);
  await h.engine.close();
  return result;
}

/**
 * Instances/s of start → parallel multi-instance user task over `items`
 * (`count` items) → end: start, then every one of the `count` tasks
 * completed with `engine.complete` (one command each), in item order.
 */
export async function multiInstanceThroughput(count: number, timing: { warmupMs: number; durationMs: number }, hash: AuditHash = 'default'): Promise<Throughput> {
  const h = harness(hash);
  await deploy(h.engine, multiInstanceDiagram('feel'));
  const items = Array.from({ length: count }, (_, i) => i + 1);
  let started = 0;
  let sample = '';
  const result = await throughput(async () => {
    const view = await h.engine.start(MULTI_PROCESS, { variables: { items } });
    started++;
    let tasks = 0;
    for (const activity of view.activities) {
      if (!activity.task) continue;
      await h.engine.complete(activity.task, { by: 'system', variables: { checked: true } });
      tasks++;
    }
    if (tasks !== count) throw new Error(`sopflow multi-instance: instance ${view.id} opened ${tasks} tasks for ${count} items.`);
    sample ||= view.id;
  }, timing);
  if (h.completed() !== started) throw new Error(`sopflow multi-instance: ${started} started, ${h.completed()} completed.`);
  await expectCompleted(h.engine, sample);
  const trail = await h.engine.audit.query({ instanceId: sample, types: ['task.completed'], limit: count + 10 });
  if (trail.items.length !== count) throw new Error(`sopflow multi-instance: instance ${sample} recorded ${trail.items.length} task completions, expected ${count}.`);
  await h.engine.close();
  return result;
}

/** One size of the compile-scaling case: times in ms, retained heap in bytes. */
export interface CompileCost {
  nodes: number;
  /** `parse()` alone (bpmn-moddle with the sop: extension, import warnings, positions). */
  parseMs: number;
  /** `compile()` alone (the normalised graph, FEEL compiled). */
  compileMs: number;
  /** `engine.deploy(xml)`: parse + compile + SLA checks + checksum + store commit + runtime and machine built. */
  deployMs: number;
  /** The first `engine.start`: runs to the first user task. */
  firstStepMs: number;
  /** deploy + first step. */
  totalMs: number;
}

/**
 * Parse, compile, deploy and first step of a generated `nodes`-node SOP on a
 * fresh engine, timed separately (the heap it keeps: {@link compileHeap}).
 * Throws unless the instance waits at `first`.
 */
export async function compileCost(nodes: number): Promise<CompileCost> {
  const xml = generatedDiagram(nodes, 'feel');
  const parsed = await timed(() => parse(xml));
  const compiled = await timed(() => compile(parsed.value.definitions, { locate: parsed.value.locate }));
  const nodeCount = Object.keys(compiled.value.processes[0]?.nodes ?? {}).length;
  if (nodeCount !== nodes) throw new Error(`sopflow compile: ${nodeCount} nodes compiled, expected ${nodes}.`);
  const h = harness();
  const deployed = await timed(() => deploy(h.engine, xml));
  const first = await timed(() => h.engine.start(GENERATED_PROCESS));
  const view = first.value;
  if (view.status !== 'running' || view.activities.length !== 1 || view.activities[0].node !== 'first') {
    throw new Error(`sopflow compile: the first step of the ${nodes}-node SOP stopped at [${view.activities.map((a) => a.node).join(', ')}] (${view.status}), expected 'first'.`);
  }
  await h.engine.close();
  return { nodes, parseMs: parsed.ms, compileMs: compiled.ms, deployMs: deployed.ms, firstStepMs: first.ms, totalMs: deployed.ms + first.ms };
}

/** The heap one deployment keeps, from {@link compileHeap}. */
export interface CompileHeap {
  nodes: number;
  /** Deployments measured together. */
  copies: number;
  /** Heap kept per deployment: engine, MemoryStore with the XML and definition, runtime, machine, one waiting instance. */
  retainedBytes: number;
}

/**
 * Deployments kept side by side for {@link compileHeap}: about 10,000 nodes'
 * worth at every size. One 100-node deployment keeps about 0.1–0.2 MB, which
 * is what the heap in use moves by between two measurements with nothing
 * deployed; measured alone it came out anywhere from 122 to 388 KB.
 */
export function compileCopies(nodes: number): number {
  return Math.max(1, Math.round(10_000 / nodes));
}

/**
 * The heap a deployment of the generated `nodes`-node SOP keeps, the first
 * time the process sees that diagram: run in a fresh process (`child.ts
 * compile-heap`) so that nothing of an earlier size is on the heap or in the
 * engine's module caches. After two warm-up deployments (other ids: until
 * the next deployment, the process keeps about 19 MB of the last 10,000-node
 * one's parse outside sopflow's objects — a heap snapshot's collection frees
 * it, a plain one does not — so it must be on the heap before and after
 * alike), GC, then `compileCopies(nodes)` engines each deploy a copy whose
 * ids and names no other copy shares (each pays for its own strings, as the
 * first deployment of a diagram does) and start one instance; all are kept;
 * GC; the difference is divided by their number. Throws unless every
 * instance waits at its first task.
 */
export async function compileHeap(nodes: number): Promise<CompileHeap> {
  const xml = generatedDiagram(nodes, 'feel');
  const deployOne = async (prefix: string): Promise<Harness> => {
    const h = harness();
    await deploy(h.engine, withPrefixedIds(xml, prefix));
    const view = await h.engine.start(GENERATED_PROCESS);
    if (view.status !== 'running' || view.activities.length !== 1 || view.activities[0].node !== `${prefix}first`) {
      throw new Error(`sopflow compile heap: the first step of the ${nodes}-node SOP stopped at [${view.activities.map((a) => a.node).join(', ')}] (${view.status}), expected '${prefix}first'.`);
    }
    return h;
  };
  for (const prefix of ['warm1_', 'warm2_']) await (await deployOne(prefix)).engine.close();
  const copies = compileCopies(nodes);
  const kept: Harness[] = [];
  const before = await heapUsedAfterGc();
  for (let copy = 0; copy < copies; copy++) kept.push(await deployOne(`c${copy}_`));
  const retainedBytes = ((await heapUsedAfterGc()) - before) / copies;
  for (const h of kept) await h.engine.close();
  return { nodes, copies, retainedBytes };
}

/** What the deep-nesting case did; times in ms. */
export interface NestingRun {
  depth: number;
  deployMs: number;
  startMs: number;
  completeMs: number;
  cancelMs: number;
  /** Scopes open while the first instance waited at the innermost task (depth + 1, the process included). */
  openScopes: number;
}

/**
 * `depth` nested embedded sub-processes: deployed, one instance started (it
 * waits at the innermost user task) and completed (every level ends in
 * turn), a second started and cancelled. Throws unless each ends as it
 * should with its audit chain intact.
 */
export async function nesting(depth: number): Promise<NestingRun> {
  const h = harness();
  const deployed = await timed(() => deploy(h.engine, nestedDiagram(depth)));
  const started = await timed(() => h.engine.start(NESTED_PROCESS));
  const view = started.value;
  const task = view.activities.find((a) => a.task)?.task;
  const subs = view.activities.filter((a) => a.kind === 'subProcess').length;
  if (!task || subs !== depth) throw new Error(`sopflow nesting: the instance waits in ${subs} sub-processes with task ${task}, expected ${depth} and the innermost task.`);
  const completed = await timed(() => h.engine.complete(task, { by: 'system' }));
  await expectCompleted(h.engine, view.id);
  const left = await h.engine.audit.query({ instanceId: view.id, types: ['node.left'], limit: 3 * depth + 10 });
  const leftSubs = new Set(left.items.map((e) => e.node).filter((n) => n?.startsWith('sub')));
  const missing = nestedIds(depth).filter((id) => !leftSubs.has(id));
  if (missing.length) throw new Error(`sopflow nesting: ${missing.length} sub-processes never completed (first: ${missing[0]}).`);
  const second = await h.engine.start(NESTED_PROCESS);
  const cancelled = await timed(() => h.engine.cancel(second.id, { reason: 'bench' }));
  const after = await h.engine.instance(second.id);
  if (after.status !== 'cancelled' || after.activities.length !== 0) throw new Error(`sopflow nesting: the cancelled instance is ${after.status} with ${after.activities.length} activities left.`);
  const audit = await h.engine.audit.verify(second.id);
  if (!audit.ok) throw new Error(`sopflow nesting: the cancelled instance's audit chain does not verify.`);
  if ((await h.engine.tasks({ instanceId: second.id })).total !== 0) throw new Error('sopflow nesting: the cancelled instance left a task open.');
  await h.engine.close();
  return { depth, deployMs: deployed.ms, startMs: started.ms, completeMs: completed.ms, cancelMs: cancelled.ms, openScopes: subs + 1 };
}
