/**
 * The raw floor: hand-written xstate v5 machines of the same shapes as the
 * benchmark diagrams, with no BPMN, no store, no audit. What sopflow adds on
 * top of xstate is the distance to this floor.
 */
import { assign, createActor, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { collectGarbage, heapPerInstance, throughput, timed, type HeapPerInstance, type Throughput } from './measure.js';

/** start → `tasks` states that each move on at once → final `end`. */
export function sequenceMachine(tasks: number) {
  const states: Record<string, object> = { start: { always: 'task1' } };
  for (let i = 1; i <= tasks; i++) states[`task${i}`] = { always: i === tasks ? 'end' : `task${i + 1}` };
  states.end = { type: 'final' };
  return setup({}).createMachine({ id: 'sequence', initial: 'start', states });
}

/** Waits in `review` for COMPLETE, then an exclusive choice on `approved`: final `approved`, else final `rejected`. */
export const reviewMachine = setup({
  types: {
    context: {} as { approved: boolean | null },
    events: {} as { type: 'COMPLETE'; approved: boolean },
  },
  guards: { approved: ({ context }) => context.approved === true },
}).createMachine({
  id: 'review',
  context: { approved: null },
  initial: 'review',
  states: {
    review: {
      on: { COMPLETE: { target: 'decide', actions: assign({ approved: ({ event }) => event.approved }) } },
    },
    decide: { always: [{ guard: 'approved', target: 'approved' }, { target: 'rejected' }] },
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});

/** Waits one hour (an xstate `after` delay), then final `end`. */
export const timerMachine = setup({}).createMachine({
  id: 'timer',
  initial: 'wait',
  states: {
    wait: { after: { 3_600_000: 'end' } },
    end: { type: 'final' },
  },
});

function assertDone(actor: AnyActorRef, what: string, expectedState?: string): void {
  const snapshot = actor.getSnapshot();
  if (snapshot.status !== 'done') throw new Error(`xstate ${what}: actor stopped in '${String(snapshot.value)}' with status ${snapshot.status}, not done.`);
  if (expectedState !== undefined && snapshot.value !== expectedState) throw new Error(`xstate ${what}: ended in '${String(snapshot.value)}', expected '${expectedState}'.`);
}

/** Instances/s of the 10-task (or `tasks`) sequence: create, start, run to `end`. */
export async function sequenceThroughput(tasks: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const machine = sequenceMachine(tasks);
  return throughput(() => {
    const actor = createActor(machine).start();
    assertDone(actor, 'sequence');
  }, timing);
}

/** Instances/s of review → decide: create, start, send COMPLETE (alternating approved), check the final state. */
export async function reviewThroughput(timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  return throughput((i) => {
    const approved = i % 2 === 0;
    const actor = createActor(reviewMachine).start();
    actor.send({ type: 'COMPLETE', approved });
    assertDone(actor, 'review', approved ? 'approved' : 'rejected');
  }, timing);
}

/** Heap per actor waiting in `review`. */
export async function waitingHeap(count: number): Promise<HeapPerInstance> {
  collectGarbage();
  return heapPerInstance(
    count,
    async (n) => {
      const actors: AnyActorRef[] = [];
      for (let i = 0; i < n; i++) actors.push(createActor(reviewMachine).start());
      return actors;
    },
    (actors) => {
      for (const actor of actors) {
        const snapshot = actor.getSnapshot();
        if (snapshot.status !== 'active' || snapshot.value !== 'review') throw new Error(`xstate waiting actor is '${String(snapshot.value)}' (${snapshot.status}), not waiting in review.`);
      }
    },
  );
}

/** One actor of a `tasks`-state sequence machine run to its end (the machine built outside the timing). */
export async function longSequence(tasks: number): Promise<{ tasks: number; runMs: number; completed: boolean }> {
  const machine = sequenceMachine(tasks);
  const run = await timed(() => createActor(machine).start());
  return { tasks, runMs: run.ms, completed: run.value.getSnapshot().status === 'done' };
}

/** `count` actors waiting on a one-hour `after` delay under a SimulatedClock, then one `increment` that fires them all. */
export async function timersDueAtOnce(count: number): Promise<{ count: number; startMs: number; advanceMs: number; firedPerSecond: number }> {
  const clock = new SimulatedClock();
  const actors: AnyActorRef[] = [];
  const started = await timed(() => {
    for (let i = 0; i < count; i++) actors.push(createActor(timerMachine, { clock }).start());
  });
  if (actors.some((actor) => actor.getSnapshot().status !== 'active')) throw new Error('xstate timers: an actor finished before the clock moved.');
  const advanced = await timed(() => clock.increment(3_600_000));
  const done = actors.filter((actor) => actor.getSnapshot().status === 'done').length;
  if (done !== count) throw new Error(`xstate timers: ${done} of ${count} actors done after increment(1 h).`);
  return { count, startMs: started.ms, advanceMs: advanced.ms, firedPerSecond: count / (advanced.ms / 1000) };
}

/** A parallel state of `branches` regions, each a task state that moves on at once to its final state; when all are done, final `end`. */
export function parallelMachine(branches: number) {
  const regions: Record<string, object> = {};
  for (let i = 1; i <= branches; i++) regions[`branch${i}`] = { initial: 'task', states: { task: { always: 'done' }, done: { type: 'final' } } };
  return setup({}).createMachine({
    id: 'parallel',
    initial: 'fork',
    states: {
      fork: { type: 'parallel', states: regions, onDone: 'end' },
      end: { type: 'final' },
    },
  });
}

/**
 * Waits in `items` until `count` ITEM_DONE events have arrived (a counter
 * in context), then final `end`: the cheapest machine that waits for
 * `count` completions.
 */
export function multiInstanceMachine(count: number) {
  return setup({
    types: { context: {} as { done: number }, events: {} as { type: 'ITEM_DONE'; index: number } },
    guards: { allDone: ({ context }) => context.done >= count },
  }).createMachine({
    id: 'multi',
    context: { done: 0 },
    initial: 'items',
    states: {
      items: {
        always: { guard: 'allDone', target: 'end' },
        on: { ITEM_DONE: { actions: assign({ done: ({ context }) => context.done + 1 }) } },
      },
      end: { type: 'final' },
    },
  });
}

/** Instances/s of the parallel fork/join: create, start, run to `end`. */
export async function parallelThroughput(branches: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const machine = parallelMachine(branches);
  return throughput(() => {
    const actor = createActor(machine).start();
    assertDone(actor, 'parallel', 'end');
  }, timing);
}

/** Instances/s of the `count`-item wait: create, start, send `count` ITEM_DONE, check it is done. */
export async function multiInstanceThroughput(count: number, timing: { warmupMs: number; durationMs: number }): Promise<Throughput> {
  const machine = multiInstanceMachine(count);
  return throughput(() => {
    const actor = createActor(machine).start();
    for (let i = 0; i < count; i++) actor.send({ type: 'ITEM_DONE', index: i });
    assertDone(actor, 'multi-instance', 'end');
  }, timing);
}
