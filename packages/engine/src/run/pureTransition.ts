import { createActor, type EventObject } from 'xstate';
import type { InstanceMachine, InstanceSnapshot, MachineEvent, StepAction } from '../machine/createInstanceMachine.js';

/** An executable action as xstate hands it to an actor scope's executor. */
interface ExecutableAction {
  type: string;
  params?: unknown;
}

/** The inert actor scope xstate's pure `transition` builds: no children, no delays, no inspection. */
interface InertScope {
  self: ReturnType<typeof createActor>;
  system: ReturnType<typeof createActor>['system'];
  id: string;
  sessionId: string;
  defer(): void;
  logger(): void;
  stopChild(): void;
  emit(): void;
  actionExecutor(action: ExecutableAction): void;
}

const scopes = new WeakMap<object, InertScope>();
const ignore = (): void => {};

/**
 * What xstate's `transition(machine, snapshot, event)` computes — the next
 * snapshot, and the params of the `sop.step` action it would execute (the
 * step's effects and audit drafts; none executed) — with one inert actor
 * scope per machine, kept, instead of a new one per call. xstate's
 * `transition` builds a whole `Actor` (and with it the machine's initial
 * snapshot) on every call only to give the machine an inert scope; the
 * instance machines spawn no children, schedule no delays and defer nothing,
 * so nothing of a call stays in the scope and reusing it gives the same
 * snapshot. Only `sop.step` is kept of the actions: the machines have no
 * other. Synchronous: the executor is swapped for the call.
 */
export function pureTransition(machine: InstanceMachine, snapshot: InstanceSnapshot, event: MachineEvent): [InstanceSnapshot, StepAction['params'] | undefined] {
  let scope = scopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    scope = { self, system: self.system, id: '', sessionId: '', defer: ignore, logger: ignore, stopChild: ignore, emit: ignore, actionExecutor: ignore };
    scopes.set(machine, scope);
  }
  let params: StepAction['params'] | undefined;
  scope.actionExecutor = (action) => {
    if (action.type === 'sop.step') params = action.params as StepAction['params'];
  };
  try {
    const next = (machine.transition as (s: InstanceSnapshot, e: EventObject, scope: unknown) => InstanceSnapshot)(snapshot, event, scope);
    return [next, params];
  } finally {
    scope.actionExecutor = ignore;
  }
}
