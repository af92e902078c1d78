/**
 * The bpmn-engine (v25) side of every case, through its public API:
 * `new Engine({ name, sourceContext })`, `engine.execute({ listener,
 * variables })`, the listener's `wait` event and `api.signal()`. One
 * bpmn-engine `Engine` runs one instance. The diagram is parsed once
 * (`sourceContext`, the serialized moddle context bpmn-engine itself makes
 * from `source`), as sopflow deploys once. Every run counts the engine's
 * `end` events and throws when an instance did not reach its end.
 */
import { EventEmitter } from 'node:events';
import { Engine } from 'bpmn-engine';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };
import { generatedDiagram, multiInstanceDiagram, nestedDiagram, parallelDiagram, reviewDiagram, sequenceDiagram, timerDiagram } from './diagrams.js';
import { heapPerInstance, heapUsedAfterGc, throughput, timed, type HeapPerInstance, type Throughput } from './measure.js';

type EngineOptions = NonNullable<ConstructorParameters<typeof Engine>[0]>;
type SourceContext = EngineOptions['sourceContext'];

/** What bpmn-engine's listener passes for an activity event (the parts used here). */
interface ActivityApi {
  id: string;
  type: string;
  signal(message?: unknown): void;
}

/** The Camunda moddle extension, so that bpmn-engine reads `camunda:collection` (its documented way to a multi-instance collection). */
const MODDLE_OPTIONS = { camunda } as EngineOptions['moddleOptions'];

/** Parses the XML once, as bpmn-engine does for `source`, and returns the serialized context to start instances from. */
export async function compileSource(xml: string): Promise<SourceContext> {
  const engine = new Engine({ name: 'bench-parse', source: xml, moddleOptions: MODDLE_OPTIONS });
  const [definition] = await engine.getDefinitions();
  if (!definition) throw new Error('bpmn-engine found no definition in the diagram.');
  return definition.context.definitionContext;
}

/**
 * Executes one instance and resolves at its `end` event; rejects at `error`,
 * when `execute` throws, or when nothing ends within `timeoutMs`.
 */
function runToEnd(
  sourceContext: SourceContext,
  options: { listener?: EventEmitter; variables?: Record<string, unknown>; timeoutMs?: number; timers?: ManualTimers } = {},
): Promise<Engine> {
  const engine = new Engine({ name: 'bench', sourceContext, ...(options.timers ? { timers: options.timers as unknown as EngineOptions['timers'] } : {}) });
  return new Promise<Engine>((resolve, reject) => {
    const timer = options.timeoutMs
      ? setTimeout(() => reject(new Error(`no end event within ${options.timeoutMs} ms (state: ${engine.state})`)), options.timeoutMs)
      : undefined;
    engine.once('end', () => {
      if (timer) clearTimeout(timer);
      resolve(engine);
    });
    engine.once('error', (error: unknown) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    engine.execute({ listener: options.listener ?? new EventEmitter(), variables: options.variables ?? {} }).catch((error: unknown) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
  });
}

/** A listener that records the ids of ended activities and signals every waiting activity. */
function recordingListener(onWait?: (api: ActivityApi) => void): { listener: EventEmitter; ended: string[] } {
  const listener = new EventEmitter();
  const ended: string[] = [];
  listener.on('activity.end', (api: ActivityApi) => ended.push(api.id));
  if (onWait) listener.on('wait', onWait);
  return { listener, ended };
}

function expectEnded(what: string, ended: string[], expected: string[]): void {
  if (ended.join(',') !== expected.join(',')) throw new Error(`bpmn-engine ${what}: activities ended [${ended.join(', ')}], expected [${expected.join(', ')}].`);
}

/** Instances/s of start → `tasks` plain tasks → end: a new Engine per instance, awaited to its `end` event. */
export async function sequenceThroughput(tasks: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const source = await compileSource(sequenceDiagram(tasks));
  const check = recordingListener();
  await runToEnd(source, { listener: check.listener });
  expectEnded('sequence', check.ended, ['start', ...Array.from({ length: tasks }, (_, i) => `task${i + 1}`), 'end']);
  let started = 0;
  let ended = 0;
  const result = await throughput(async () => {
    started++;
    await runToEnd(source);
    ended++;
  }, timing);
  if (ended !== started) throw new Error(`bpmn-engine sequence: ${started} started, ${ended} ended.`);
  return result;
}

/**
 * Instances/s of start → user task → exclusive gateway → end: execute with
 * `{ approved }` (alternating), signal the user task from the listener's
 * `wait` event, await `end`. Each instance is checked to end at the right end event.
 */
export async function reviewThroughput(timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const source = await compileSource(reviewDiagram('bpmn-engine'));
  let started = 0;
  let ended = 0;
  const result = await throughput(async (i) => {
    const approved = i % 2 === 0;
    const run = recordingListener((api) => api.signal({ approved }));
    started++;
    await runToEnd(source, { listener: run.listener, variables: { approved } });
    ended++;
    const expectedEnd = approved ? 'approved' : 'rejected';
    if (run.ended[run.ended.length - 1] !== expectedEnd) expectEnded(`review (approved: ${approved})`, run.ended, ['start', 'reviewTask', 'decide', expectedEnd]);
  }, timing);
  if (ended !== started) throw new Error(`bpmn-engine review: ${started} started, ${ended} ended.`);
  return result;
}

/** Heap per instance waiting at the user task: `count` Engines, each executed until its `wait` event, kept alive. */
export async function waitingHeap(count: number): Promise<HeapPerInstance> {
  const source = await compileSource(reviewDiagram('bpmn-engine'));
  return heapPerInstance(
    count,
    async (n) => {
      const engines: Engine[] = [];
      let waiting = 0;
      for (let i = 0; i < n; i++) {
        const engine = new Engine({ name: `waiting-${i}`, sourceContext: source });
        const listener = new EventEmitter();
        const reachedWait = new Promise<void>((resolve, reject) => {
          listener.once('wait', (api: ActivityApi) => {
            if (api.id !== 'reviewTask') reject(new Error(`bpmn-engine waiting heap: waits at ${api.id}, expected reviewTask.`));
            waiting++;
            resolve();
          });
          engine.once('error', reject);
        });
        await engine.execute({ listener, variables: { approved: true } });
        await reachedWait;
        engines.push(engine);
      }
      if (waiting !== n) throw new Error(`bpmn-engine waiting heap: ${waiting} of ${n} instances waiting.`);
      return engines;
    },
    (engines) => {
      for (const engine of engines) {
        if (engine.state !== 'running') throw new Error(`bpmn-engine waiting heap: an engine is '${engine.state}', not running (waiting).`);
      }
    },
  );
}

/** How one long-sequence attempt went. */
export interface SequenceAttempt {
  tasks: number;
  ok: boolean;
  ms: number;
  /** Activities that ended before the failure (start, tasks, end). */
  activitiesEnded: number;
  error?: string;
}

/**
 * Runs the generated sequence of each length in `ladder` (ascending) until
 * one fails, then bisects between the last success and the first failure.
 * Failures (bpmn-engine's stack overflow) are caught and returned, never thrown.
 */
export async function longestSequence(ladder: number[]): Promise<{ attempts: SequenceAttempt[]; largestCompleted: number; firstFailure?: SequenceAttempt }> {
  const attempts: SequenceAttempt[] = [];
  const attempt = async (tasks: number): Promise<SequenceAttempt> => {
    const xml = sequenceDiagram(tasks);
    const run = recordingListener();
    const start = performance.now();
    // A stack overflow can surface outside the execute promise; catch it here, for this attempt only.
    let stray: unknown;
    const onStray = (error: unknown) => {
      stray ??= error;
    };
    process.on('uncaughtException', onStray);
    process.on('unhandledRejection', onStray);
    let result: SequenceAttempt;
    try {
      const source = await compileSource(xml);
      await runToEnd(source, { listener: run.listener, timeoutMs: 30_000 });
      if (stray) throw stray;
      const ok = run.ended.length === tasks + 2 && run.ended[run.ended.length - 1] === 'end';
      result = { tasks, ok, ms: performance.now() - start, activitiesEnded: run.ended.length, ...(ok ? {} : { error: `ended without running every task (${run.ended.length} of ${tasks + 2} activities ended)` }) };
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      result = { tasks, ok: false, ms: performance.now() - start, activitiesEnded: run.ended.length, error: message };
    } finally {
      // Let a late stray error of this attempt land in its own handler before removing it.
      await new Promise((resolve) => setImmediate(resolve));
      process.off('uncaughtException', onStray);
      process.off('unhandledRejection', onStray);
    }
    attempts.push(result);
    return result;
  };

  let largestCompleted = 0;
  let firstFailure: SequenceAttempt | undefined;
  for (const tasks of ladder) {
    const result = await attempt(tasks);
    if (!result.ok) {
      firstFailure = result;
      break;
    }
    largestCompleted = tasks;
  }
  if (firstFailure) {
    let low = largestCompleted;
    let high = firstFailure.tasks;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      const result = await attempt(mid);
      if (result.ok) low = mid;
      else {
        high = mid;
        firstFailure = result;
      }
    }
    largestCompleted = low;
  }
  return { attempts, largestCompleted, ...(firstFailure ? { firstFailure } : {}) };
}

interface PendingTimer {
  callback: (...args: unknown[]) => void;
  args: unknown[];
}

/**
 * A hand-moved replacement for bpmn-elements' `timers` environment service
 * (`register`, `setTimeout`, `clearTimeout`, `executing`) for one Engine:
 * nothing fires until {@link ManualTimers.fireAll}. One per Engine, since an
 * Engine clears every timer in `executing` when it ends.
 */
class ManualTimers {
  private readonly pending = new Set<PendingTimer>();

  readonly setTimeout = (callback: (...args: unknown[]) => void, _delay: number, ...args: unknown[]): PendingTimer => {
    const timer = { callback, args };
    this.pending.add(timer);
    return timer;
  };

  readonly clearTimeout = (timer: PendingTimer | undefined): undefined => {
    if (timer) this.pending.delete(timer);
    return undefined;
  };

  register(): { setTimeout: ManualTimers['setTimeout']; clearTimeout: ManualTimers['clearTimeout'] } {
    return { setTimeout: this.setTimeout, clearTimeout: this.clearTimeout };
  }

  get executing(): PendingTimer[] {
    return [...this.pending];
  }

  /** Fires every pending timer, in the order they were set. */
  fireAll(): void {
    const due = [...this.pending];
    this.pending.clear();
    for (const timer of due) timer.callback(...timer.args);
  }
}

/**
 * `count` instances each waiting on the `PT1H` timer catch event (the same
 * XML as sopflow's), their timers held by {@link ManualTimers}; then all
 * fired at once, timed until every instance has emitted `end`.
 */
export async function timersDueAtOnce(count: number): Promise<{ count: number; startMs: number; advanceMs: number; firedPerSecond: number }> {
  const source = await compileSource(timerDiagram('PT1H'));
  const timers: ManualTimers[] = [];
  const ends: Array<Promise<Engine>> = [];
  let ended = 0;
  const started = await timed(async () => {
    for (let i = 0; i < count; i++) {
      const listener = new EventEmitter();
      const waiting = new Promise<void>((resolve) => listener.once('activity.timer', () => resolve()));
      const own = new ManualTimers();
      timers.push(own);
      const end = runToEnd(source, { listener, timers: own });
      end.then(() => ended++, () => {});
      ends.push(end);
      await waiting;
    }
  });
  const pending = timers.reduce((sum, t) => sum + t.executing.length, 0);
  if (pending !== count) throw new Error(`bpmn-engine timers: ${pending} timers pending for ${count} instances.`);
  if (ended !== 0) throw new Error(`bpmn-engine timers: ${ended} instances ended before their timers fired.`);
  const advanced = await timed(async () => {
    for (const own of timers) own.fireAll();
    await Promise.all(ends);
  });
  if (ended !== count) throw new Error(`bpmn-engine timers: ${ended} of ${count} instances ended.`);
  return { count, startMs: started.ms, advanceMs: advanced.ms, firedPerSecond: count / (advanced.ms / 1000) };
}

/** Instances/s of start → parallel fork → `branches` plain tasks → join → end: a new Engine per instance, awaited to its `end` event. */
export async function parallelThroughput(branches: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const source = await compileSource(parallelDiagram(branches));
  const check = recordingListener();
  await runToEnd(source, { listener: check.listener });
  const tasks = check.ended.filter((id) => id.startsWith('task')).length;
  if (tasks !== branches || check.ended[0] !== 'start' || check.ended.at(-1) !== 'end' || !check.ended.includes('join')) {
    throw new Error(`bpmn-engine parallel: activities ended [${check.ended.join(', ')}].`);
  }
  let started = 0;
  let ended = 0;
  const result = await throughput(async () => {
    started++;
    await runToEnd(source);
    ended++;
  }, timing);
  if (ended !== started) throw new Error(`bpmn-engine parallel: ${started} started, ${ended} ended.`);
  return result;
}

/**
 * Instances/s of start → parallel multi-instance user task over `items`
 * (`count` items) → end: execute with `{ items }`, signal every waiting
 * item from the listener's `wait` event, await `end`. Each instance is
 * checked to have waited `count` times.
 */
export async function multiInstanceThroughput(count: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const source = await compileSource(multiInstanceDiagram('bpmn-engine'));
  const items = Array.from({ length: count }, (_, i) => i + 1);
  let started = 0;
  let ended = 0;
  const result = await throughput(async () => {
    let waits = 0;
    const run = recordingListener((api) => {
      waits++;
      api.signal({ checked: true });
    });
    started++;
    await runToEnd(source, { listener: run.listener, variables: { items } });
    ended++;
    if (waits !== count || run.ended.at(-1) !== 'end') throw new Error(`bpmn-engine multi-instance: ${waits} of ${count} items waited, last ended ${run.ended.at(-1)}.`);
  }, timing);
  if (ended !== started) throw new Error(`bpmn-engine multi-instance: ${started} started, ${ended} ended.`);
  return result;
}

/** One size of the compile-scaling case for bpmn-engine; times in ms, retained heap in bytes. */
export interface CompileCost {
  nodes: number;
  /** `new Engine({ source })` + `getDefinitions()`: bpmn-moddle parse and bpmn-engine's serializer. */
  parseMs: number;
  /** `execute()` until the first user task's `wait`. */
  firstStepMs: number;
  totalMs: number;
  retainedBytes: number;
}

/** Parse and first step of the same generated SOP; throws unless the instance waits at `first`. */
export async function compileCost(nodes: number): Promise<CompileCost> {
  const xml = generatedDiagram(nodes, 'bpmn-engine');
  const before = await heapUsedAfterGc();
  const engine = new Engine({ name: 'bench-compile', source: xml, moddleOptions: MODDLE_OPTIONS });
  const parsed = await timed(() => engine.getDefinitions());
  const listener = new EventEmitter();
  const first = await timed(async () => {
    const waiting = new Promise<string>((resolve, reject) => {
      listener.once('wait', (api: ActivityApi) => resolve(api.id));
      engine.once('error', reject);
    });
    await engine.execute({ listener, variables: { approved: true } });
    return waiting;
  });
  const retainedBytes = (await heapUsedAfterGc()) - before;
  if (first.value !== 'first' || engine.state !== 'running') throw new Error(`bpmn-engine compile: the first step waits at ${first.value} (${engine.state}), expected 'first'.`);
  await engine.stop();
  return { nodes, parseMs: parsed.ms, firstStepMs: first.ms, totalMs: parsed.ms + first.ms, retainedBytes };
}

/** How one nesting depth went. */
export interface NestingAttempt {
  depth: number;
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * Runs the nested-sub-process diagram at each depth of `ladder` (ascending):
 * parse, execute, signal the innermost task at its `wait`, await `end`;
 * stops at the first failure (caught, never thrown). bpmn-engine's time
 * grows faster than linearly with depth, so each attempt has a time limit.
 */
export async function deepestNesting(ladder: number[], timeoutMs: number): Promise<{ attempts: NestingAttempt[]; deepestCompleted: number; firstFailure?: NestingAttempt }> {
  const attempts: NestingAttempt[] = [];
  let deepestCompleted = 0;
  let firstFailure: NestingAttempt | undefined;
  for (const depth of ladder) {
    const start = performance.now();
    let stray: unknown;
    const onStray = (error: unknown) => {
      stray ??= error;
    };
    process.on('uncaughtException', onStray);
    process.on('unhandledRejection', onStray);
    let result: NestingAttempt;
    try {
      const source = await compileSource(nestedDiagram(depth));
      let waits = 0;
      const run = recordingListener((api) => {
        waits++;
        api.signal();
      });
      await runToEnd(source, { listener: run.listener, timeoutMs });
      if (stray) throw stray;
      const ok = waits === 1 && run.ended.at(-1) === 'p_end';
      result = { depth, ok, ms: performance.now() - start, ...(ok ? {} : { error: `ended at ${run.ended.at(-1)} after ${waits} waits` }) };
    } catch (error) {
      result = { depth, ok: false, ms: performance.now() - start, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    } finally {
      await new Promise((resolve) => setImmediate(resolve));
      process.off('uncaughtException', onStray);
      process.off('unhandledRejection', onStray);
    }
    attempts.push(result);
    if (!result.ok) {
      firstFailure = result;
      break;
    }
    deepestCompleted = depth;
  }
  return { attempts, deepestCompleted, ...(firstFailure ? { firstFailure } : {}) };
}
