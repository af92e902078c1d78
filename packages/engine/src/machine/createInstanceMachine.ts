import { enqueueActions, setup, type SnapshotFrom } from 'xstate';
import type { AuditDraft, Effect } from './effects.js';
import type { InstanceEvent, StartInput } from './events.js';
import type { InstanceState } from './state.js';
import { TokenGame, type StepEnv, type StepOutput } from './TokenGame.js';

/** The action through which a step hands its effects and audit events out of the machine. */
export interface StepAction {
  type: 'sop.step';
  params: { effects: Effect[]; audit: AuditDraft[] };
}

/** Starts an instance: the first event an instance machine receives. */
export interface StartEvent {
  type: 'instance.start';
  input: StartInput;
}

export type MachineEvent = StartEvent | InstanceEvent;

/**
 * Generates the xstate v5 machine of one deployed process definition.
 *
 * The machine's states are the instance lifecycle (`idle` → `running` →
 * `completed` | `cancelled`); its context is the {@link InstanceState}
 * (scopes, tokens, tasks, timers, subscriptions); every event runs this
 * definition's BPMN token game to quiescence. Its actions are pure: a step's
 * effects and audit events come out as the params of the `sop.step` action,
 * which `xstate.transition` returns without executing — the engine commits
 * them. Inspect it with any xstate tool, or drive it yourself:
 * `transition(machine, snapshot, event)`.
 */
export function createInstanceMachine(env: StepEnv) {
  const def = env.runtime.definition;
  const emitStep = (output: StepOutput, enqueue: any) => {
    enqueue.assign(() => output.state);
    enqueue({ type: 'sop.step', params: { effects: output.effects, audit: output.audit } });
  };

  return setup({
    types: {
      context: {} as InstanceState,
      events: {} as MachineEvent,
    },
    actions: {
      // Returned by the pure transition and executed by the engine, never inside the machine.
      'sop.step': (_: unknown, _params: StepAction['params']) => {},
    },
    guards: {
      completed: ({ context }) => context.status === 'completed',
      cancelled: ({ context }) => context.status === 'cancelled',
    },
  }).createMachine({
    id: def.key,
    description: def.name ? `${def.name} (${def.id} v${def.version})` : `${def.id} v${def.version}`,
    context: {} as InstanceState,
    initial: 'idle',
    meta: { processId: def.id, version: def.version, nodes: Object.keys(def.nodes).length },
    states: {
      idle: {
        on: {
          'instance.start': {
            target: 'running',
            actions: enqueueActions(({ event, enqueue }) => emitStep(TokenGame.start(env, (event as StartEvent).input), enqueue)),
          },
        },
      },
      running: {
        always: [
          { guard: 'completed', target: 'completed' },
          { guard: 'cancelled', target: 'cancelled' },
        ],
        on: {
          '*': {
            actions: enqueueActions(({ context, event, enqueue }) => emitStep(TokenGame.apply(env, context, event as InstanceEvent), enqueue)),
          },
        },
      },
      completed: { type: 'final' },
      cancelled: { type: 'final' },
    },
  });
}

export type InstanceMachine = ReturnType<typeof createInstanceMachine>;
export type InstanceSnapshot = SnapshotFrom<InstanceMachine>;
