import { initialTransition } from 'xstate';
import { chainEvents, GENESIS_HASH, type HashFn } from '../audit/chain.js';
import { InvalidStateError, MessageCorrelationError, NotFoundError } from '../errors.js';
import type { ActivityRecord, AuditDraft, EngineEvent, Effect } from '../machine/effects.js';
import type { Actor, InstanceEvent, StartInput } from '../machine/events.js';
import type { StepAction } from '../machine/createInstanceMachine.js';
import type { InstanceState, Variables } from '../machine/state.js';
import { firstDue, nextDue, parseTimer } from '../time/index.js';
import type { Definitions, Deployed } from './Definitions.js';
import { pureTransition } from './pureTransition.js';
import {
  emptyCommit,
  type Commit,
  type InstanceRecord,
  type JobRow,
  type StartSubscriptionRow,
  type Store,
  type SubscriptionRow,
  type TaskRow,
  type TimerRow,
} from '../store/Store.js';

/** What a unit of work is asked to do; follow-ups (called instances, signals…) are added as it runs. */
export type Command =
  | { kind: 'start'; definition: string; input: Omit<StartInput, 'id' | 'at'> & { id?: string } }
  /** `unlessEnded`: a follow-up that no longer applies to an ended instance (cancelling a called instance that already finished in this unit). */
  | { kind: 'event'; instanceId: string; event: InstanceEvent; unlessEnded?: boolean }
  | { kind: 'timer'; timer: TimerRow }
  | { kind: 'signal'; name: string; variables: Variables; actor: Actor; except?: string; sensitive?: string[] }
  | { kind: 'correlate'; name: string; key?: string | null; variables: Variables; businessKey?: string; actor: Actor }
  | { kind: 'call'; parent: string; effect: Extract<Effect, { type: 'call.start' }> };

export interface UnitDeps {
  store: Store;
  definitions: Definitions;
  hash: HashFn;
  salt: string;
  newId: () => string;
  now: number;
  maxCommands: number;
}

interface Entry {
  record: InstanceRecord;
  expectedRev: number;
  deployed: Deployed;
  changed: boolean;
}

export interface CommandResult {
  instanceId?: string;
  correlated?: string[];
  started?: string[];
}

/**
 * One unit of work: a command and everything it sets off in other instances
 * (called processes, parent notifications, signals), run against the
 * instances' snapshots and turned into ONE store commit. Nothing is written
 * until `commit()`; a conflict discards the whole unit and it is retried.
 */
export class Unit {
  private readonly instances = new Map<string, Entry>();
  private readonly tasks = new Map<string, TaskRow | null>();
  private readonly timers = new Map<string, TimerRow | null>();
  private readonly jobs = new Map<string, JobRow | null>();
  private readonly subs = new Map<string, SubscriptionRow | null>();
  private readonly startSubs = new Map<string, StartSubscriptionRow | null>();
  private readonly history = new Map<string, ActivityRecord>();
  private readonly queue: Command[] = [];
  readonly commit: Commit = emptyCommit();
  readonly events: EngineEvent[] = [];
  readonly results: CommandResult[] = [];

  constructor(private readonly deps: UnitDeps) {}

  /** Runs the commands and their follow-ups; fills `commit` and `events`. */
  async run(commands: Command[]): Promise<void> {
    let processed = 0;
    for (const command of commands) {
      const result: CommandResult = {};
      this.results.push(result);
      this.queue.push(command);
      while (this.queue.length) {
        const next = this.queue.shift()!;
        processed += 1;
        if (processed > this.deps.maxCommands) {
          throw new InvalidStateError('unit.too-large', `One command set off more than ${this.deps.maxCommands} follow-up steps (signals or calls in a loop?); nothing was committed.`);
        }
        await this.execute(next, next === command ? result : undefined);
      }
    }
    this.finish();
  }

  // ---------------------------------------------------------------- commands

  private async execute(command: Command, result: CommandResult | undefined): Promise<void> {
    switch (command.kind) {
      case 'start': {
        const id = await this.start(command.definition, command.input);
        if (result) result.instanceId = id;
        return;
      }
      case 'event': {
        const entry = await this.entry(command.instanceId);
        if (!entry) throw new NotFoundError('instance', command.instanceId);
        if (command.unlessEnded && entry.record.status !== 'running') return;
        this.step(entry, command.event);
        if (result) result.instanceId = command.instanceId;
        return;
      }
      case 'timer':
        return this.fireTimer(command.timer);
      case 'signal':
        return this.broadcast(command);
      case 'correlate':
        return this.correlate(command, result);
      case 'call':
        return this.call(command.parent, command.effect);
    }
  }

  /** Starts a called instance (the called process's latest version, resolved now). */
  private async call(parent: string, effect: Extract<Effect, { type: 'call.start' }>): Promise<void> {
    let deployed: Deployed;
    try {
      deployed = await this.deps.definitions.byProcessId(effect.processId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      this.queue.push({
        kind: 'event',
        instanceId: parent,
        event: { type: 'child.cancelled', at: this.deps.now, exec: effect.exec, message: `Called process '${effect.processId}' is not deployed.` },
      });
      return;
    }
    await this.start(deployed.record.key, {
      id: effect.child,
      actor: 'system',
      variables: effect.variables,
      parent: { instance: parent, exec: effect.exec },
      depth: effect.depth,
      ...(effect.businessKey !== undefined ? { businessKey: effect.businessKey } : {}),
      ...(effect.sensitive ? { sensitive: effect.sensitive } : {}),
    });
  }

  private async start(definitionKey: string, input: Extract<Command, { kind: 'start' }>['input']): Promise<string> {
    const deployed = await this.deps.definitions.byDefinitionKey(definitionKey);
    const id = input.id ?? this.deps.newId();
    if (this.instances.has(id) || (await this.deps.store.getInstance(id))) {
      throw new InvalidStateError('instance.exists', `An instance with id '${id}' already exists.`, { instanceId: id });
    }
    const startInput: StartInput = Object.assign({}, input, { id, at: this.deps.now });
    const idle = idleSnapshot(deployed);
    const [next, params] = pureTransition(deployed.machine, idle, { type: 'instance.start', input: startInput });
    const state = next.context as InstanceState;
    const entry: Entry = {
      deployed,
      expectedRev: 0,
      changed: true,
      record: {
        id,
        processId: deployed.record.processId,
        definition: deployed.record.key,
        version: deployed.record.version,
        ...(input.businessKey !== undefined ? { businessKey: input.businessKey } : {}),
        status: state.status,
        startedAt: this.deps.now,
        ...(input.parent ? { parentId: input.parent.instance } : {}),
        rev: 0,
        incidents: 0,
        state,
        auditSeq: 0,
        auditHash: GENESIS_HASH,
      },
    };
    this.instances.set(id, entry);
    this.applyStep(entry, state, params);
    return id;
  }

  /** Sends an event to an instance's machine and records what it produced. */
  private step(entry: Entry, event: InstanceEvent): void {
    if (entry.record.status !== 'running') {
      // A timer of an ended instance, or news from a child after the parent ended: nothing to do.
      if (event.type === 'timer' || event.type.startsWith('child.')) return;
      throw new InvalidStateError('instance.ended', `Instance '${entry.record.id}' is ${entry.record.status}; it accepts no more commands.`, {
        instanceId: entry.record.id,
        status: entry.record.status,
      });
    }
    // News from a child whose call activity ended in this same unit (a boundary or an interrupting event sub-process cancelled it): nothing to do.
    if ((event.type === 'child.complete' || event.type === 'child.error' || event.type === 'child.escalation' || event.type === 'child.cancelled') && entry.record.state.execs[event.exec]?.kind !== 'call') return;
    const machine = entry.deployed.machine;
    const snapshot = machine.resolveState({ value: 'running', context: entry.record.state });
    const [next, params] = pureTransition(machine, snapshot, event);
    if (!params) return;
    this.applyStep(entry, next.context as InstanceState, params);
  }

  private async entry(id: string): Promise<Entry | undefined> {
    const cached = this.instances.get(id);
    if (cached) return cached;
    const record = await this.deps.store.getInstance(id);
    if (!record) return undefined;
    const deployed = await this.deps.definitions.byDefinitionKey(record.definition);
    const entry: Entry = { record, expectedRev: record.rev, deployed, changed: false };
    this.instances.set(id, entry);
    return entry;
  }

  private async fireTimer(timer: TimerRow): Promise<void> {
    this.timers.set(timer.id, null);
    if (timer.instanceId) {
      const entry = await this.entry(timer.instanceId);
      // The instance's timer is due at another time than the row this worker leased: the row is stale (its lease ran
      // out, another worker fired it and re-armed it). Firing would fire the next occurrence early: leave it be.
      const armed = entry?.record.state.timers[timer.id];
      if (armed && armed.due !== timer.due) {
        this.timers.delete(timer.id);
        return;
      }
      if (entry) this.step(entry, { type: 'timer', at: this.deps.now, timerId: timer.id });
      return;
    }
    // A timer start event: start an instance, and schedule the next firing of a cycle.
    const deployed = await this.deps.definitions.byDefinitionKey(timer.definition);
    const latest = await this.deps.store.latestDeployment(deployed.record.processId);
    if (latest?.key !== deployed.record.key) return; // a newer version replaced this start timer
    // Another worker may have fired it already (its lease ran out mid-firing): then it moved or is gone.
    const current = await this.deps.store.getTimer(timer.id);
    if (!current || current.due !== timer.due) {
      this.timers.delete(timer.id);
      return;
    }
    const node = deployed.runtime.node(timer.node);
    const fired = (timer.fired ?? 0) + 1;
    const zone = deployed.env.zone;
    const spec = parseTimer(node.event!.timer!.type, String(node.event!.timer!.value), zone);
    const again = spec.kind === 'cycle' ? nextDue(spec, timer.due, fired, { zone }) : null;
    if (again !== null) this.timers.set(timer.id, Object.assign({}, timer, { due: again, fired }));
    // One instance per occurrence, named after it: two workers firing the same occurrence collide on the id.
    await this.start(deployed.record.key, { id: `${deployed.record.processId}@${new Date(timer.due).toISOString()}`, actor: 'system', variables: {}, startNode: node.id });
  }

  private async broadcast(command: Extract<Command, { kind: 'signal' }>): Promise<void> {
    const subs = this.overlay(await this.deps.store.findSubscriptions('signal', command.name), 'signal', command.name);
    const instances = [...new Set(subs.map((s) => s.instanceId))].filter((id) => id !== command.except);
    for (const id of instances) {
      const entry = await this.entry(id);
      if (entry && entry.record.status === 'running') {
        this.step(entry, { type: 'signal', at: this.deps.now, actor: command.actor, name: command.name, variables: command.variables, ...(command.sensitive ? { sensitive: command.sensitive } : {}) });
      }
    }
    for (const start of await this.startSubscriptions('signal', command.name)) {
      await this.start(start.definition, { actor: command.actor.id, variables: command.variables, startNode: start.node, ...(command.sensitive ? { sensitive: command.sensitive } : {}) });
    }
  }

  private async correlate(command: Extract<Command, { kind: 'correlate' }>, result: CommandResult | undefined): Promise<void> {
    const key = command.key === undefined ? undefined : command.key;
    const subs = this.overlay(await this.deps.store.findSubscriptions('message', command.name, key), 'message', command.name, key);
    // One message reaches each waiting instance once (its oldest matching catch), as in Zeebe.
    const byInstance = new Map<string, SubscriptionRow>();
    for (const sub of subs) if (!byInstance.has(sub.instanceId)) byInstance.set(sub.instanceId, sub);
    const correlated: string[] = [];
    for (const [instanceId, sub] of byInstance) {
      const entry = await this.entry(instanceId);
      if (!entry || entry.record.status !== 'running') continue;
      this.step(entry, { type: 'message', at: this.deps.now, actor: command.actor, subscriptionId: sub.id, name: command.name, variables: command.variables });
      correlated.push(instanceId);
    }
    const started: string[] = [];
    if (correlated.length === 0) {
      for (const start of await this.startSubscriptions('message', command.name)) {
        const businessKey = command.businessKey ?? (key ?? undefined);
        started.push(
          await this.start(start.definition, {
            actor: command.actor.id,
            variables: command.variables,
            startNode: start.node,
            ...(businessKey !== undefined ? { businessKey } : {}),
          }),
        );
      }
    }
    if (correlated.length === 0 && started.length === 0) {
      throw new MessageCorrelationError(
        `Message '${command.name}'${key !== undefined && key !== null ? ` with correlation key '${key}'` : ''} matched no waiting instance and no message start event.`,
        { messageName: command.name, ...(key !== undefined && key !== null ? { correlationKey: key } : {}), matches: 0 },
      );
    }
    if (result) {
      result.correlated = correlated;
      result.started = started;
    }
  }

  /** Store rows, corrected by what this unit already opened or closed. */
  private overlay(rows: SubscriptionRow[], kind: 'message' | 'signal', name: string, key?: string | null): SubscriptionRow[] {
    const out = rows.filter((r) => this.subs.get(r.id) !== null);
    for (const [id, sub] of this.subs) {
      if (sub && sub.kind === kind && sub.name === name && (key === undefined || sub.key === key) && !out.some((r) => r.id === id)) out.push(sub);
    }
    return out;
  }

  private async startSubscriptions(kind: 'message' | 'signal', name: string): Promise<StartSubscriptionRow[]> {
    const rows = (await this.deps.store.findStartSubscriptions(kind, name)).filter((r) => this.startSubs.get(r.id) !== null);
    for (const row of this.startSubs.values()) if (row && row.kind === kind && row.name === name && !rows.some((r) => r.id === row.id)) rows.push(row);
    return rows;
  }

  // ---------------------------------------------------------------- effects

  private applyStep(entry: Entry, state: InstanceState, params: StepAction['params'] | undefined): void {
    const record = entry.record;
    const audit: AuditDraft[] = params?.audit ?? [];
    const chained = chainEvents(
      audit,
      {
        instanceId: record.id,
        processId: record.processId,
        version: record.version,
        ...(record.businessKey !== undefined ? { businessKey: record.businessKey } : {}),
        seq: record.auditSeq,
        prevHash: record.auditHash,
      },
      this.deps.hash,
      this.deps.salt,
      entry.deployed.record.definition.sensitive.length > 0 || !!state.sensitive?.length,
    );
    for (const event of chained) this.commit.audit.push(event);
    const last = chained[chained.length - 1];
    // Object.assign, not a spread: a spread copy given `endedAt` or `due` gets a hidden class of its own (docs/architecture.md).
    const next: InstanceRecord = Object.assign({}, record, {
      state,
      status: state.status,
      incidents: Object.keys(state.incidents).length,
      auditSeq: last ? last.seq : record.auditSeq,
      auditHash: last ? last.hash : record.auditHash,
    });
    if (state.endedAt !== undefined) next.endedAt = state.endedAt;
    if (state.sla?.due !== undefined) next.due = state.sla.due;
    entry.record = next;
    entry.changed = true;
    for (const effect of params?.effects ?? []) this.effect(entry, effect);
  }

  private effect(entry: Entry, effect: Effect): void {
    const now = this.deps.now;
    switch (effect.type) {
      case 'task.create':
      case 'task.update':
        this.tasks.set(effect.task.id, effect.task);
        return;
      case 'task.end':
        this.tasks.set(effect.taskId, null);
        return;
      case 'job.create':
      case 'job.update':
        this.jobs.set(effect.job.id, effect.job);
        return;
      case 'job.end':
        this.jobs.set(effect.jobId, null);
        return;
      case 'timer.schedule':
        this.timers.set(effect.timer.id, effect.timer);
        return;
      case 'timer.cancel':
        this.timers.set(effect.timerId, null);
        return;
      case 'sub.open':
        this.subs.set(effect.sub.id, effect.sub);
        return;
      case 'sub.close':
        this.subs.set(effect.subId, null);
        return;
      case 'emit':
        this.events.push(effect.event);
        return;
      case 'history':
        this.history.set(effect.record.id, effect.record);
        return;
      case 'signal.broadcast':
        this.queue.push({ kind: 'signal', name: effect.name, variables: effect.variables, actor: { id: 'system' }, except: entry.record.id, ...(effect.sensitive ? { sensitive: effect.sensitive } : {}) });
        return;
      case 'call.start':
        this.queue.push({ kind: 'call', parent: entry.record.id, effect });
        return;
      case 'call.cancel':
        this.queue.push({ kind: 'event', instanceId: effect.child, event: { type: 'cancel', at: now, actor: { id: 'system' }, reason: 'the calling activity was cancelled' }, unlessEnded: true });
        return;
      case 'parent.notify': {
        const { instance, exec } = effect.parent;
        const sensitive = effect.sensitive ? { sensitive: effect.sensitive } : {};
        const event: InstanceEvent =
          effect.outcome === 'complete'
            ? { type: 'child.complete', at: now, exec, variables: effect.variables ?? {}, ...sensitive }
            : effect.outcome === 'error'
              ? { type: 'child.error', at: now, exec, code: effect.code!, ...(effect.message ? { message: effect.message } : {}), variables: effect.variables ?? {}, ...sensitive }
              : effect.outcome === 'escalation'
                ? { type: 'child.escalation', at: now, exec, code: effect.code!, variables: effect.variables ?? {}, ...sensitive }
                : { type: 'child.cancelled', at: now, exec };
        this.queue.push({ kind: 'event', instanceId: instance, event });
        return;
      }
      default: {
        const never: never = effect;
        throw new Error(`Unhandled effect ${(never as Effect).type}`);
      }
    }
  }

  // ---------------------------------------------------------------- commit

  private finish(): void {
    const c = this.commit;
    for (const entry of this.instances.values()) {
      if (!entry.changed) continue;
      c.instances.push({ record: Object.assign({}, entry.record, { rev: entry.expectedRev + 1 }), expectedRev: entry.expectedRev });
    }
    split(this.tasks, c.tasks);
    split(this.timers, c.timers);
    split(this.jobs, c.jobs);
    split(this.subs, c.subscriptions);
    split(this.startSubs, c.startSubscriptions);
    c.history.push(...this.history.values());
  }

  /** Adds start subscriptions/timers of a deployment (used by deploy). */
  setStartRows(subs: Array<[string, StartSubscriptionRow | null]>, timers: Array<[string, TimerRow | null]>): void {
    for (const [id, row] of subs) this.startSubs.set(id, row);
    for (const [id, row] of timers) this.timers.set(id, row);
  }
}

function split<T extends { id: string }>(rows: Map<string, T | null>, into: { upsert: T[]; remove: string[] }): void {
  for (const [id, row] of rows) {
    if (row) into.upsert.push(row);
    else into.remove.push(id);
  }
}

const idleSnapshots = new WeakMap<object, unknown>();

/** The machine's initial (idle) snapshot is the same for every instance: computed once per machine. */
function idleSnapshot(deployed: Deployed): any {
  let snapshot = idleSnapshots.get(deployed.machine);
  if (!snapshot) {
    snapshot = initialTransition(deployed.machine)[0];
    idleSnapshots.set(deployed.machine, snapshot);
  }
  return snapshot;
}

/** Computes the first due time of a timer start event. */
export function startTimerRow(deployed: Deployed, nodeId: string, now: number): TimerRow | null {
  const node = deployed.runtime.node(nodeId);
  const zone = deployed.env.zone;
  const spec = parseTimer(node.event!.timer!.type, String(node.event!.timer!.value), zone);
  const due = firstDue(spec, now, { zone });
  if (due === null) return null;
  return { id: `start:${deployed.record.key}:${nodeId}`, due, definition: deployed.record.key, node: nodeId, fired: 0 };
}

