/**
 * The measuring side of `npm run anatomy -w bench` (see anatomy.ts): run as
 * `node --import tsx anatomyParts.ts --part=<pure|bench|no-trail> --seconds=N`,
 * it measures one group of parts of a user task → gateway instance and
 * prints their rows as JSON on stdout.
 */
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  chainEvents,
  compile,
  createInstanceMachine,
  defaultHash,
  GENESIS_HASH,
  MemoryStore,
  parse,
  ProcessRuntime,
  pureTransition,
  TokenGame,
  type AuditDraft,
  type InstanceEvent,
  type InstanceSnapshot,
  type StepEnv,
  type StepOutput,
  type Store,
} from '@sopflow/engine';
import { initialTransition } from 'xstate';
import { REVIEW_PROCESS, reviewDiagram } from './diagrams.js';
import { deploy, harness, runReview } from './sopflowCases.js';

/** One part: runs one instance's worth of that part (sync or async). */
type Part = () => unknown;

/** One measured part, per instance. */
export interface Row {
  part: string;
  micros: number;
  kilobytes: number;
  gcMicros: number;
}

/** The compiled review process, its step environment and its machine, as a deployment would hold them. */
async function reviewParts() {
  const parsed = await parse(reviewDiagram('feel'));
  const definition = compile(parsed.definitions).processes.find((d) => d.id === REVIEW_PROCESS);
  if (!definition) throw new Error(`anatomy: the review diagram compiled to no process '${REVIEW_PROCESS}'.`);
  const runtime = new ProcessRuntime(definition);
  runtime.compileAll();
  const env: StepEnv = { runtime, zone: 'UTC', calendar: () => undefined, limits: { maxCallDepth: 64, maxWorkPerStep: 1_000_000 } };
  return { env, machine: createInstanceMachine(env) };
}

function completeEvent(start: StepOutput, approved: boolean): InstanceEvent {
  const created = start.effects.find((e) => e.type === 'task.create');
  if (!created || created.type !== 'task.create') throw new Error('anatomy: the start step created no user task.');
  return { type: 'task.complete', at: 0, actor: { id: 'system' }, taskId: created.task.id, variables: { approved } };
}

/** The pure parts: token game alone, the machine, the audit chain. */
async function pureParts(): Promise<Array<[string, Part]>> {
  const { env, machine } = await reviewParts();
  let n = 0;
  const input = () => ({ id: `i${++n}`, at: 0, actor: 'system', variables: {} });
  const tokenGame = () => {
    const start = TokenGame.start(env, input());
    const end = TokenGame.apply(env, start.state, completeEvent(start, n % 2 === 0));
    if (end.state.status !== 'completed') throw new Error(`anatomy: token game left the instance ${end.state.status}.`);
    return [start, end];
  };
  const idle = initialTransition(machine)[0] as InstanceSnapshot;
  const throughMachine = () => {
    const [running, started] = pureTransition(machine, idle, { type: 'instance.start', input: input() });
    const restored = machine.resolveState({ value: 'running', context: running.context });
    const [done, completed] = pureTransition(machine, restored, completeEvent({ state: running.context, effects: started!.effects, audit: started!.audit }, n % 2 === 0));
    if (done.status !== 'done' || !completed) throw new Error(`anatomy: the machine left the instance ${done.status}.`);
  };
  const [start, end] = tokenGame();
  const drafts: AuditDraft[] = [...start.audit, ...end.audit];
  const context = { instanceId: 'i1', processId: REVIEW_PROCESS, version: 1, seq: 0, prevHash: GENESIS_HASH };
  const hash = defaultHash();
  return [
    ['token game: start + complete (2 steps)', tokenGame],
    ['the same 2 steps through the xstate machine', throughMachine],
    [`audit chain: ${drafts.length} events, SHA-256`, () => chainEvents(drafts, context, hash, '', false)],
    [`audit chain: ${drafts.length} events, text only (no hash)`, () => chainEvents(drafts, context, () => '0', '', false)],
  ];
}

/** A MemoryStore that is handed no audit events and no history rows: what keeping them in the heap costs. */
function withoutTrail(inner: MemoryStore): Store {
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'commit') return (commit: Parameters<Store['commit']>[0]) => target.commit({ ...commit, audit: [], history: [] });
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The engine rows, by the name the orchestrator passes as --part. */
const ENGINE_ROWS = {
  bench: 'engine + MemoryStore (the bench case)',
  'no-trail': 'engine + MemoryStore given no audit events or history rows',
} as const;
type EngineRow = keyof typeof ENGINE_ROWS;

/** The whole engine, one instance per call, as the bench's throughput case runs it (its harness and its instance). */
async function enginePart(row: EngineRow): Promise<[string, Part]> {
  const { engine } = harness('default', row === 'bench' ? new MemoryStore() : withoutTrail(new MemoryStore()));
  await deploy(engine, reviewDiagram('feel'));
  let i = 0;
  return [ENGINE_ROWS[row], () => runReview(engine, i++ % 2 === 0)];
}

/** Median microseconds per call over interleaved rounds, and GC pause per call over all of them. */
async function timeParts(parts: Array<[string, Part]>, seconds: number): Promise<Map<string, { micros: number; gcMicros: number }>> {
  const rounds = 5;
  const perRound = (seconds * 1000) / rounds / parts.length;
  const samples = new Map<string, number[]>(parts.map(([name]) => [name, []]));
  const gc = new Map<string, { ms: number; calls: number }>(parts.map(([name]) => [name, { ms: 0, calls: 0 }]));
  let current: string | undefined;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (current) gc.get(current)!.ms += entry.duration;
  });
  for (const [, run] of parts) for (let i = 0; i < 2000; i++) await run(); // warm-up: every part optimised before any is timed
  observer.observe({ entryTypes: ['gc'] });
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of round % 2 ? [...parts].reverse() : parts) {
      current = name;
      let calls = 0;
      const start = performance.now();
      let now = start;
      while (now - start < perRound) {
        await run();
        calls++;
        now = performance.now();
      }
      samples.get(name)!.push(((now - start) * 1000) / calls);
      gc.get(name)!.calls += calls;
      // GC entries are delivered asynchronously: let the observer see this part's before the next starts.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  current = undefined;
  observer.disconnect();
  const out = new Map<string, { micros: number; gcMicros: number }>();
  for (const [name, values] of samples) {
    values.sort((a, b) => a - b);
    const { ms, calls } = gc.get(name)!;
    out.set(name, { micros: values[values.length >> 1], gcMicros: (ms * 1000) / calls });
  }
  return out;
}

/** Bytes allocated per call (sampling heap profiler, objects collected by either GC included). */
async function allocatedPerCall(run: Part, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < calls; i++) await run();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let total = 0;
    const stack = [profile.head];
    while (stack.length) {
      const node = stack.pop()!;
      total += node.selfSize;
      stack.push(...node.children);
    }
    return total / calls;
  } finally {
    session.disconnect();
  }
}

async function measure(parts: Array<[string, Part]>, seconds: number): Promise<Row[]> {
  const times = await timeParts(parts, seconds);
  const rows: Row[] = [];
  for (const [name, run] of parts) rows.push({ part: name, ...times.get(name)!, kilobytes: (await allocatedPerCall(run, 5000)) / 1024 });
  return rows;
}

/** The groups a child measures: the pure parts together (interleaved), each engine row alone. */
export const GROUPS = ['pure', 'bench', 'no-trail'] as const;
export type Group = (typeof GROUPS)[number];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const group = argv.find((a) => a.startsWith('--part='))?.slice('--part='.length) as Group | undefined;
  const seconds = Number(argv.find((a) => a.startsWith('--seconds='))?.slice('--seconds='.length));
  if (!group || !GROUPS.includes(group)) throw new Error(`anatomy: --part must be one of ${GROUPS.join(', ')}, got '${group}'.`);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`anatomy: --seconds must be a positive number.`);
  const parts = group === 'pure' ? await pureParts() : [await enginePart(group)];
  process.stdout.write(JSON.stringify(await measure(parts, seconds)));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
