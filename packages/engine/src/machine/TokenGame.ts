/**
 * BPMN 2.0 token semantics for one step of one instance. Pure: it takes the
 * instance state and an event (with its time) and returns the next state,
 * the effects to commit and the audit events — it reads no clock, store or
 * network. Work is a FIFO queue, never recursion, so a 10,000-task sequence
 * or a 1,000-deep nesting runs in constant stack.
 *
 * The xstate instance machine (createInstanceMachine) calls into this class
 * from its actions; this is where the token game lives.
 */

import type { ProcessRuntime } from '../compile/ProcessRuntime.js';
import { describeNode, type Expr, type NodeDef, type RuleDef, type Value } from '../compile/definition.js';
import {
  ExpressionError,
  FormValidationError,
  InvalidStateError,
  NotFoundError,
  TaskNotAssignableError,
} from '../errors.js';
import { addDuration, durationToMillis, firstDue, nextDue, parseDuration, parseTimer, type BusinessCalendar } from '../time/index.js';
import { isActivity } from '../compile/compile.js';
import { clockFunctions } from '../feel/index.js';
import { checkForm } from '../forms/checkForm.js';
import { clone, copyOnWrite, type ReadOnlyCollections } from './copyOnWrite.js';
import type { ActivityRecord, AuditDraft, Effect, EngineEvent, EngineEventType, TaskRow } from './effects.js';
import type { Actor, InstanceEvent, StartInput } from './events.js';
import type {
  Exec,
  ExecKind,
  Incident,
  InstanceState,
  ScopeState,
  SlaState,
  SubRole,
  SubState,
  TimerState,
  Variables,
  Work,
} from './state.js';

export interface StepEnv {
  runtime: ProcessRuntime;
  /** IANA zone for wall-clock days, local date-times and cron when no calendar applies. */
  zone: string;
  /** Named business calendars; undefined for an unknown name. */
  calendar(name: string): BusinessCalendar | undefined;
  limits: StepLimits;
}

export interface StepLimits {
  /** Deepest call-activity nesting before an incident (runaway recursion). */
  maxCallDepth: number;
  /** Most work items one step may process before it stops with an incident (a livelock in the diagram). */
  maxWorkPerStep: number;
}

export interface StepOutput {
  state: InstanceState;
  effects: Effect[];
  audit: AuditDraft[];
}

const SYSTEM: Actor = { id: 'system' };

function toList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((v) => String(v)).filter((v) => v !== '');
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Raised inside a work item to park the token with an incident. */
class IncidentSignal extends Error {
  constructor(
    readonly kind: Incident['kind'],
    message: string,
  ) {
    super(message);
  }
}

export class TokenGame {
  private readonly s: InstanceState;
  private readonly effects: Effect[] = [];
  private readonly audit: AuditDraft[] = [];
  private readonly queue: Work[] = [];
  private head = 0;
  private readonly pending = new Map<string, number>();
  /** Activities whose open history row this step (re)writes when it ends. */
  private readonly openRows = new Map<string, Exec>();
  private ctxCache = new Map<string, Variables>();
  private readonly rt: ProcessRuntime;
  private now: number;
  private actor: Actor = SYSTEM;

  private constructor(
    private readonly env: StepEnv,
    state: InstanceState,
    now: number,
    /** Plain views of the collections for scans that change nothing (entries read through them are not copied). */
    private readonly raw: ReadOnlyCollections = state,
    private readonly seal: () => InstanceState = () => state,
  ) {
    this.s = state;
    this.rt = env.runtime;
    this.now = now;
  }

  // ================================================================ entry points

  /** Creates a new instance and runs it until it waits. */
  static start(env: StepEnv, input: StartInput): StepOutput {
    const def = env.runtime.definition;
    const state: InstanceState = {
      id: input.id,
      processId: def.id,
      definition: def.key,
      version: def.version,
      status: 'running',
      startedAt: input.at,
      seq: 0,
      depth: input.depth ?? 0,
      root: 'r',
      scopes: {},
      execs: {},
      joins: {},
      subs: {},
      timers: {},
      incidents: {},
      ...(input.businessKey !== undefined ? { businessKey: input.businessKey } : {}),
      ...(input.parent ? { parent: input.parent } : {}),
    };
    const inherited = (input.sensitive ?? []).filter((name) => !def.sensitive.includes(name));
    if (inherited.length) state.sensitive = [...new Set(inherited)];
    const game = new TokenGame(env, state, input.at);
    game.actor = { id: input.actor };
    game.begin(input);
    return game.finish();
  }

  /** Applies one event to a copy of `state` and runs until the instance waits again. */
  static apply(env: StepEnv, state: InstanceState, event: InstanceEvent): StepOutput {
    const copy = copyOnWrite(state);
    const game = new TokenGame(env, copy.draft, event.at, copy.raw, copy.seal);
    if ('actor' in event && event.actor) game.actor = event.actor;
    game.handle(event);
    return game.finish();
  }

  private finish(): StepOutput {
    this.drain();
    for (const exec of this.openRows.values()) this.effects.push({ type: 'history', record: this.historyRecord(exec, this.rt.node(exec.node)) });
    return { state: this.seal(), effects: this.effects, audit: this.audit };
  }

  private begin(input: StartInput): void {
    const def = this.rt.definition;
    const root: ScopeState = { id: 'r', def: def.id, vars: {}, active: 0 };
    this.s.scopes.r = root;
    for (const [name, value] of Object.entries(input.variables)) root.vars[name] = value;
    const startNode = input.startNode ?? this.rt.scope(def.id).noneStart;
    if (!startNode) {
      throw new InvalidStateError(
        'instance.no-none-start',
        `Process '${def.id}' has no none start event; start it with a message, signal or timer.`,
        { processId: def.id },
      );
    }
    const node = this.rt.node(startNode);
    if (!node || node.type !== 'startEvent' || node.scope !== def.id) {
      throw new InvalidStateError('instance.bad-start', `'${startNode}' is not a start event of process '${def.id}'.`, {
        processId: def.id,
        startNode,
      });
    }
    // A called instance gets its inputs from the call activity, not from a person filling a form; a message from the system that sends it.
    if (!input.parent && node.event?.kind !== 'message') this.checkFormOf(node, input.variables, 'r', `Starting process '${def.id}'`);
    this.record('instance.started', undefined, {
      variables: this.redact(input.variables),
      ...(input.businessKey !== undefined ? { businessKey: input.businessKey } : {}),
      ...(input.parent ? { parent: input.parent } : {}),
      startEvent: startNode,
    });
    this.emit('instance.started', undefined, { variables: input.variables });
    this.armEventSubProcesses(root);
    if (def.sla) this.s.sla = this.startSla(def.sla, 'r', undefined, undefined);
    this.push({ t: 'enter', node: startNode, scope: 'r' });
  }

  private handle(event: InstanceEvent): void {
    if (this.s.status !== 'running' && event.type !== 'timer') {
      throw new InvalidStateError('instance.ended', `Instance '${this.s.id}' is ${this.s.status}; it accepts no more commands.`, {
        instanceId: this.s.id,
        status: this.s.status,
      });
    }
    switch (event.type) {
      case 'task.complete':
        return this.completeTask(event.taskId, event.variables ?? {});
      case 'task.claim':
        return this.claimTask(event.taskId, event.user);
      case 'task.assign':
        return this.assignTask(event);
      case 'message':
        return this.onMessage(event.subscriptionId, event.variables ?? {});
      case 'signal':
        this.markSensitive(event.sensitive ?? []);
        return this.onSignal(event.name, event.variables ?? {});
      case 'timer':
        try {
          this.onTimer(event.timerId);
        } catch (error) {
          if (!(error instanceof IncidentSignal || error instanceof ExpressionError)) throw error;
          const timer = this.s.timers[event.timerId];
          this.raiseIncident(error instanceof IncidentSignal ? error.kind : 'expression', timer?.node ?? this.rt.definition.id, error.message, undefined, null);
        }
        return;
      case 'job.complete':
        return this.onJobComplete(event.jobId, event.variables ?? {});
      case 'job.fail':
        return this.onJobFail(event.jobId, event.error, event.retries, event.retryAt);
      case 'job.error':
        return this.onJobError(event.jobId, event.code, event.message, event.variables ?? {});
      case 'child.complete':
        this.markSensitive(event.sensitive ?? []);
        return this.onChildComplete(event.exec, event.variables);
      case 'child.error':
        this.markSensitive(event.sensitive ?? []);
        return this.onChildError(event.exec, event.code, event.message, event.variables ?? {});
      case 'child.escalation':
        this.markSensitive(event.sensitive ?? []);
        return this.onChildEscalation(event.exec, event.code, event.variables ?? {});
      case 'child.cancelled':
        return this.onChildCancelled(event.exec, event.message);
      case 'incident.resolve':
        return this.resolveIncident(event.incidentId, event.variables ?? {});
      case 'variables.set':
        this.setVariables('r', event.variables, 'r');
        return;
      case 'cancel':
        return this.cancelInstance(event.reason);
      default: {
        const never: never = event;
        throw new InvalidStateError('event.unknown', `Unknown event ${(never as { type: string }).type}.`);
      }
    }
  }

  // ================================================================ bookkeeping

  private id(prefix: string): string {
    this.s.seq += 1;
    return `${this.s.id}.${prefix}${this.s.seq.toString(36)}`;
  }

  private push(work: Work): void {
    this.queue.push(work);
    const scope = scopeOf(work);
    if (scope) this.pending.set(scope, (this.pending.get(scope) ?? 0) + 1);
  }

  private drain(): void {
    let processed = 0;
    for (;;) {
      while (this.head < this.queue.length) {
        const work = this.queue[this.head++];
        processed += 1;
        if (processed > this.env.limits.maxWorkPerStep) {
          this.parkAtWorkLimit(this.queue.slice(this.head - 1));
          this.queue.length = 0;
          this.head = 0;
          return;
        }
        this.run(work);
      }
      this.queue.length = 0;
      this.head = 0;
      // OR-joins fire only when nothing else can move (the spec's non-local rule).
      if (!this.fireInclusiveJoins()) break;
    }
  }

  /**
   * A step that keeps moving without ever waiting (a loop of automatic steps,
   * or an extremely long chain of them) stops here with an incident that
   * holds everything it still had to do; resolving it resumes exactly there.
   */
  private parkAtWorkLimit(remaining: Work[]): void {
    const first = remaining.find((w) => w.t !== 'check') ?? remaining[0];
    const node = this.nodeOfWork(first);
    const scoped = remaining.map(scopeOf).find((scope): scope is string => scope !== undefined && !!this.s.scopes[scope]);
    const park = scoped ? this.newExec(this.rt.node(node) ?? this.rt.node(this.rt.scope(this.rt.definition.id).nodes[0]), scoped, 'incident') : undefined;
    const incident: Incident = {
      id: this.id('i'),
      kind: 'work-limit',
      node,
      message: `The step made more than ${this.env.limits.maxWorkPerStep} moves without reaching a wait state (a loop of automatic steps, or a very long chain of them). Resolving the incident continues from here.`,
      createdAt: this.now,
      retry: null,
      resume: remaining,
      ...(park ? { exec: park.id } : {}),
    };
    if (park) park.incident = incident.id;
    this.s.incidents[incident.id] = incident;
    this.record('incident.raised', this.rt.node(node), { incident: incident.id, kind: incident.kind, message: incident.message });
    this.emit('incident.raised', this.rt.node(node), { incident: incident.id, kind: incident.kind, message: incident.message });
  }

  private nodeOfWork(work: Work): string {
    if (work.t === 'complete' || work.t === 'body') return this.s.execs[work.exec]?.node ?? this.rt.definition.id;
    if (work.t === 'check') return this.rt.definition.id;
    return work.node;
  }

  private run(work: Work): void {
    const scope = scopeOf(work);
    if (scope) {
      this.pending.set(scope, (this.pending.get(scope) ?? 1) - 1);
      if (!this.s.scopes[scope]) return; // its scope was cancelled meanwhile
    }
    try {
      switch (work.t) {
        case 'enter':
          this.enter(work.node, work.scope, work.flow);
          break;
        case 'leave':
          this.leave(work.node, work.scope);
          break;
        case 'resume': {
          const node = this.rt.node(work.node);
          this.applyOutputs(node, work.scope, work.vars ?? {});
          this.record('node.left', node);
          this.leave(node.id, work.scope);
          break;
        }
        case 'complete': {
          const exec = this.s.execs[work.exec];
          if (exec) this.completeExec(exec, work.vars);
          break;
        }
        case 'body': {
          const container = this.s.execs[work.exec];
          if (container) this.startBody(this.rt.node(container.node), container, work.index);
          break;
        }
        case 'check':
          this.check(work.scope);
          break;
      }
    } catch (error) {
      if (!(error instanceof IncidentSignal || error instanceof ExpressionError)) throw error;
      const kind = error instanceof IncidentSignal ? error.kind : 'expression';
      this.raiseIncident(kind, this.nodeOfWork(work), error.message, work.t === 'complete' ? work.exec : undefined, work);
    }
    if (scope) this.check(scope);
  }



  private record(type: string, node: NodeDef | undefined, data?: Record<string, unknown>): void {
    const draft: AuditDraft = { type, time: this.now, actor: this.actor.id };
    if (node) {
      draft.node = node.id;
      if (node.name) draft.nodeName = node.name;
    }
    if (data) draft.data = data;
    this.audit.push(draft);
  }

  private emit(type: EngineEventType, node: NodeDef | undefined, data: Record<string, unknown>): void {
    const event: EngineEvent = {
      type,
      instanceId: this.s.id,
      processId: this.s.processId,
      ...(this.s.businessKey !== undefined ? { businessKey: this.s.businessKey } : {}),
      ...(node ? { node: node.id } : {}),
      ...(node?.name ? { nodeName: node.name } : {}),
      time: this.now,
      data,
    };
    this.effects.push({ type: 'emit', event });
  }

  /** Sensitive variables never reach the audit trail in clear (hashing happens in the runtime). */
  private redact(vars: Variables): Variables {
    if (!this.rt.definition.sensitive.length && !this.s.sensitive?.length) return vars;
    const out: Variables = {};
    for (const [k, v] of Object.entries(vars)) out[k] = this.isSensitive(k) ? { $sensitive: v } : v;
    return out;
  }

  /** The `sensitive` field of a notice to the caller: values coming back stay redacted there. */
  private sensitiveForParent(): { sensitive?: string[] } {
    const names = this.sensitiveNames();
    return names.length ? { sensitive: names } : {};
  }

  /** Whether a variable name is redacted: declared by this process, or carried in (see {@link InstanceState.sensitive}). */
  private isSensitive(name: string): boolean {
    return this.rt.definition.sensitive.includes(name) || (this.s.sensitive?.includes(name) ?? false);
  }

  /** Every name this instance redacts: what a called instance or the caller is told. */
  private sensitiveNames(): string[] {
    return [...this.rt.definition.sensitive, ...(this.s.sensitive ?? [])];
  }

  /** Adds names to the instance's redacted set (not already declared by the process). */
  private markSensitive(names: Iterable<string>): void {
    for (const name of names) {
      if (this.isSensitive(name)) continue;
      (this.s.sensitive ??= []).push(name);
    }
  }

  /** Whether a mapping's value is computed from a sensitive variable (then its target is sensitive too). */
  private readsSensitive(expr: Expr): boolean {
    if (!this.rt.definition.sensitive.length && !this.s.sensitive?.length) return false;
    return this.rt.feel(expr).variables.some((name) => this.isSensitive(name));
  }

  // ================================================================ variables

  /** The variables visible in a scope: outer scopes shadowed by inner ones. */
  private context(scopeId: string): Variables {
    const cached = this.ctxCache.get(scopeId);
    if (cached) return cached;
    const chain: ScopeState[] = [];
    for (let s: ScopeState | undefined = this.s.scopes[scopeId]; s; s = s.parent ? this.s.scopes[s.parent] : undefined) chain.push(s);
    const ctx: Variables = {};
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(ctx, chain[i].vars);
    this.ctxCache.set(scopeId, ctx);
    return ctx;
  }

  private evaluate(expr: Expr, scopeId: string, extra?: Variables): unknown {
    const base = this.context(scopeId);
    let ctx = extra && Object.keys(extra).length ? Object.assign({}, base, extra) : base;
    // now() and today() read the engine's clock (the step's time), never the system's.
    if (this.rt.readsClock(expr)) ctx = Object.assign({}, ctx, clockFunctions(this.now, this.env.zone));
    return this.rt.feel(expr).evaluate(ctx);
  }

  private valueOf(value: Value | undefined, scopeId: string): unknown {
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : this.evaluate(value, scopeId);
  }

  /**
   * Sets variables: each name is updated in the nearest scope from `from`
   * outwards that already holds it, else created in `createIn`.
   */
  private setVariables(from: string, vars: Variables, createIn: string): void {
    const changes: Array<{ name: string; scope: string; value: unknown; previous?: unknown }> = [];
    for (const [name, value] of Object.entries(vars)) {
      let target: ScopeState | undefined;
      for (let s: ScopeState | undefined = this.s.scopes[from]; s; s = s.parent ? this.s.scopes[s.parent] : undefined) {
        if (Object.prototype.hasOwnProperty.call(s.vars, name)) {
          target = s;
          break;
        }
      }
      target ??= this.s.scopes[createIn] ?? this.s.scopes[this.s.root];
      const previous = target.vars[name];
      if (Object.prototype.hasOwnProperty.call(target.vars, name) && JSON.stringify(previous) === JSON.stringify(value)) continue;
      changes.push({ name, scope: target.id, value, ...(Object.prototype.hasOwnProperty.call(target.vars, name) ? { previous } : {}) });
      target.vars[name] = value;
    }
    if (changes.length) {
      this.ctxCache.clear();
      this.record(
        'variables.changed',
        undefined,
        {
          changes: changes.map((c) =>
            this.isSensitive(c.name)
              ? { name: c.name, scope: c.scope, value: { $sensitive: c.value }, ...('previous' in c ? { previous: { $sensitive: c.previous } } : {}) }
              : c,
          ),
        },
      );
    }
  }

  /**
   * Scope where new variables of an exec's results are created: a
   * multi-instance body keeps them (each instance has its own answer, read by
   * sop:outputElement); everything else — standard-loop iterations included —
   * writes to the process.
   */
  private createScopeFor(exec: Exec): string {
    const scope = this.s.scopes[exec.scope];
    const container = exec.body ? this.s.execs[exec.body.container] : undefined;
    return exec.body && scope && !container?.multi?.loop ? scope.id : this.s.root;
  }

  // ================================================================ scopes

  private newScope(def: string, parent: string | undefined, exec: string | undefined, vars: Variables): ScopeState {
    const id = this.id('s');
    const scope: ScopeState = { id, def, vars, active: 0, ...(parent ? { parent } : {}), ...(exec ? { exec } : {}) };
    this.s.scopes[id] = scope;
    return scope;
  }

  private removeScope(id: string): void {
    const scope = this.s.scopes[id];
    if (!scope) return;
    for (const owned of scope.owned ?? []) this.dropOwned(owned);
    delete this.s.scopes[id];
    this.ctxCache.delete(id);
  }

  /** Completes a token scope (process or sub-process content) when nothing is left in it. */
  private check(scopeId: string): void {
    const scope = this.s.scopes[scopeId];
    if (!scope || scope.active > 0 || (this.pending.get(scopeId) ?? 0) > 0) return;
    if (scopeId === this.s.root) {
      if (this.s.status === 'running') this.completeInstance();
      return;
    }
    const owner = scope.exec ? this.s.execs[scope.exec] : undefined;
    if (!owner || owner.child !== scopeId || owner.kind !== 'subProcess') return;
    this.push({ t: 'complete', exec: owner.id });
  }

  private completeInstance(): void {
    const root = this.s.scopes[this.s.root];
    this.s.status = 'completed';
    this.s.endedAt = this.now;
    if (this.s.sla) this.endSla(this.s.sla, undefined, 'r');
    for (const owned of root.owned ?? []) this.dropOwned(owned);
    root.owned = [];
    this.record('instance.completed', undefined, { durationMs: this.now - this.s.startedAt });
    this.emit('instance.completed', undefined, { variables: root.vars });
    if (this.s.parent) {
      this.effects.push({ type: 'parent.notify', parent: this.s.parent, outcome: 'complete', variables: clone(root.vars), ...this.sensitiveForParent() });
    }
  }

  // ================================================================ enter / leave

  private enter(nodeId: string, scope: string, flow: string | undefined): void {
    const node = this.rt.node(nodeId);
    this.record('node.entered', node, flow ? { flow } : undefined);
    switch (node.type) {
      case 'startEvent':
        this.record('node.left', node);
        this.leave(node.id, scope);
        return;
      case 'endEvent':
        this.enterEnd(node, scope);
        return;
      case 'intermediateThrowEvent':
        this.enterThrow(node, scope);
        return;
      case 'intermediateCatchEvent':
        if (node.event?.kind === 'link') {
          this.record('node.left', node);
          this.leave(node.id, scope);
          return;
        }
        this.waitAt(node, scope, 'wait');
        return;
      case 'exclusiveGateway':
      case 'inclusiveGateway':
      case 'parallelGateway':
        if (node.incoming.length > 1 && node.type !== 'exclusiveGateway') {
          this.joinArrive(node, scope, flow);
          return;
        }
        this.leave(node.id, scope);
        return;
      case 'eventBasedGateway':
        this.waitAt(node, scope, 'eventGateway');
        return;
      case 'boundaryEvent':
        this.leave(node.id, scope);
        return;
      default:
        if (node.loop) this.enterLoop(node, scope);
        else this.activate(node, scope);
    }
  }

  /** Takes the outgoing flows of a node whose work is done. */
  private leave(nodeId: string, scope: string): void {
    const node = this.rt.node(nodeId);
    const flows = this.chooseFlows(node, scope);
    // Gateways record their leaving here, once a flow is chosen (activities and events do it as they end).
    if (node.type.endsWith('Gateway')) this.record('node.left', node, node.type === 'exclusiveGateway' ? { flows } : undefined);
    for (const flow of flows) this.push({ t: 'enter', node: this.rt.flow(flow).target, scope, flow });
  }

  private chooseFlows(node: NodeDef, scope: string): string[] {
    const outgoing = node.outgoing;
    if (outgoing.length === 0) return [];
    if (node.type === 'parallelGateway') return outgoing;
    const isTrue = (flowId: string): boolean => {
      const flow = this.rt.flow(flowId);
      if (!flow.condition) return true;
      const result = this.evaluate(flow.condition, scope);
      if (result !== true && result !== false && result !== null) {
        throw new IncidentSignal('expression', `Condition of flow '${flowId}' (${flow.condition.feel}) gave ${JSON.stringify(result)}; expected true or false.`);
      }
      return result === true;
    };
    if (node.type === 'exclusiveGateway') {
      for (const id of outgoing) if (id !== node.default && isTrue(id)) return [id];
      if (node.default) return [node.default];
      throw new IncidentSignal('no-flow', `No outgoing flow of ${describeNode(node)} has a true condition, and there is no default flow.`);
    }
    const taken = outgoing.filter((id) => id !== node.default && isTrue(id));
    if (taken.length) return taken;
    if (node.default) return [node.default];
    throw new IncidentSignal('no-flow', `No outgoing flow of ${describeNode(node)} has a true condition, and there is no default flow.`);
  }

  // ---------------------------------------------------------------- joins

  private joinKey(scope: string, gateway: string): string {
    return `${scope}/${gateway}`;
  }

  private joinArrive(node: NodeDef, scope: string, flow: string | undefined): void {
    const key = this.joinKey(scope, node.id);
    const buffer = (this.s.joins[key] ??= {});
    const f = flow ?? node.incoming[0];
    buffer[f] = (buffer[f] ?? 0) + 1;
    this.s.scopes[scope].active += 1;
    if (node.type === 'parallelGateway') this.tryParallelJoin(node, scope);
  }

  private tryParallelJoin(node: NodeDef, scope: string): void {
    const key = this.joinKey(scope, node.id);
    const buffer = this.s.joins[key];
    if (!buffer || !node.incoming.every((f) => (buffer[f] ?? 0) > 0)) return;
    this.consumeJoin(node, scope, node.incoming);
    this.record('gateway.joined', node, { flows: node.incoming });
    this.leave(node.id, scope);
  }

  private consumeJoin(node: NodeDef, scope: string, flows: string[]): void {
    const key = this.joinKey(scope, node.id);
    const buffer = this.s.joins[key];
    for (const f of flows) {
      buffer[f] -= 1;
      if (buffer[f] === 0) delete buffer[f];
    }
    if (Object.keys(buffer).length === 0) delete this.s.joins[key];
    this.s.scopes[scope].active -= flows.length;
  }

  /** Fires every enabled OR-join; true when one fired (so the queue has work again). */
  private fireInclusiveJoins(): boolean {
    let fired = false;
    for (const key of Object.keys(this.s.joins)) {
      const slash = key.lastIndexOf('/');
      const scope = key.slice(0, slash);
      const node = this.rt.node(key.slice(slash + 1));
      if (node.type !== 'inclusiveGateway' || !this.s.scopes[scope]) continue;
      const buffer = this.s.joins[key];
      const filled = node.incoming.filter((f) => (buffer[f] ?? 0) > 0);
      const empty = node.incoming.filter((f) => !((buffer[f] ?? 0) > 0));
      if (!filled.length || this.orJoinBlocked(node, scope, filled, empty)) continue;
      this.consumeJoin(node, scope, filled);
      this.record('gateway.joined', node, { flows: filled });
      this.push({ t: 'leave', node: node.id, scope });
      // One at a time: the token this join releases may be upstream of the next one.
      fired = true;
      break;
    }
    return fired;
  }

  /**
   * BPMN 2.0 §13.4.3: the join waits while some token in its scope can still
   * reach an empty incoming flow without also being able to reach a filled one.
   */
  private orJoinBlocked(join: NodeDef, scope: string, filled: string[], empty: string[]): boolean {
    const positions: string[] = [];
    for (const exec of Object.values(this.raw.execs)) if (exec.scope === scope && !exec.eventSub) positions.push(exec.node);
    for (const [key, buffer] of Object.entries(this.raw.joins)) {
      const slash = key.lastIndexOf('/');
      if (key.slice(0, slash) !== scope) continue;
      const gateway = key.slice(slash + 1);
      if (gateway === join.id) continue;
      if (Object.keys(buffer).length) positions.push(gateway);
    }
    for (const at of positions) {
      const reachesEmpty = empty.some((f) => this.rt.canReach(join.id, f, at));
      if (!reachesEmpty) continue;
      const reachesFilled = filled.some((f) => this.rt.canReach(join.id, f, at));
      if (!reachesFilled) return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- events

  private enterEnd(node: NodeDef, scope: string): void {
    const kind = node.event?.kind ?? 'none';
    switch (kind) {
      case 'terminate':
        this.record('node.left', node);
        this.terminateScope(scope, node);
        return;
      case 'error':
        this.record('node.left', node);
        this.throwError(node.event!.errorCode!, scope, undefined, node, {});
        return;
      case 'escalation':
        this.record('node.left', node);
        this.throwEscalation(node.event!.escalationCode!, scope, undefined, node, {});
        return;
      case 'message':
        if (node.jobType) {
          this.activateJob(node, scope, this.newExec(node, scope, 'job'));
          return;
        }
        this.sendMessage(node, scope);
        this.record('node.left', node);
        return;
      case 'signal':
        this.broadcastSignal(node, scope);
        this.record('node.left', node);
        return;
      default:
        this.record('node.left', node);
    }
  }

  private enterThrow(node: NodeDef, scope: string): void {
    const kind = node.event?.kind ?? 'none';
    switch (kind) {
      case 'message':
        if (node.jobType) {
          this.activateJob(node, scope, this.newExec(node, scope, 'job'));
          return;
        }
        this.sendMessage(node, scope);
        break;
      case 'signal':
        this.broadcastSignal(node, scope);
        break;
      case 'escalation':
        this.record('node.left', node);
        // An interrupting catch (a boundary on an enclosing activity, or an event
        // sub-process of an enclosing scope) withdraws this token: it goes no further.
        if (this.throwEscalation(node.event!.escalationCode!, scope, undefined, node, {}) === 'interrupted') return;
        this.leave(node.id, scope);
        return;
      case 'link': {
        const target = this.rt
          .scope(node.scope)
          .nodes.map((id) => this.rt.node(id))
          .find((n) => n.type === 'intermediateCatchEvent' && n.event?.kind === 'link' && n.event.linkName === node.event?.linkName);
        this.record('node.left', node);
        if (target) this.push({ t: 'enter', node: target.id, scope });
        return;
      }
      default:
        break;
    }
    this.record('node.left', node);
    this.leave(node.id, scope);
  }

  private payload(node: NodeDef, scope: string): Variables {
    const out: Variables = {};
    for (const m of node.inputs ?? []) out[m.target] = this.evaluate(m.source, scope);
    return out;
  }

  private sendMessage(node: NodeDef, scope: string): void {
    const variables = this.payload(node, scope);
    this.record('message.sent', node, { message: node.event?.messageName ?? null });
    this.emit('message.sent', node, { message: node.event?.messageName ?? null, variables });
  }

  private broadcastSignal(node: NodeDef, scope: string): void {
    const name = node.event!.signalName!;
    const variables = this.payload(node, scope);
    this.record('signal.thrown', node, { signal: name });
    // Receivers redact what this instance holds sensitive, whatever they declare themselves.
    const sensitive = (node.inputs ?? []).filter((m) => this.isSensitive(m.target) || this.readsSensitive(m.source)).map((m) => m.target);
    this.effects.push({ type: 'signal.broadcast', name, variables, ...(sensitive.length ? { sensitive } : {}) });
    // The thrower's own instance hears the signal too, in this step.
    this.deliverSignal(name, variables);
  }

  // ---------------------------------------------------------------- execs

  private newExec(node: NodeDef, scope: string, kind: ExecKind, extra?: Partial<Exec>): Exec {
    const exec: Exec = { id: this.id('e'), node: node.id, scope, kind, startedAt: this.now };
    if (extra) Object.assign(exec, extra);
    this.s.execs[exec.id] = exec;
    this.s.scopes[scope].active += 1;
    return exec;
  }

  private removeExec(exec: Exec): void {
    for (const owned of exec.owned ?? []) this.dropOwned(owned);
    exec.owned = [];
    if (exec.child) this.removeScope(exec.child);
    delete this.s.execs[exec.id];
    const scope = this.s.scopes[exec.scope];
    if (scope) scope.active -= 1;
  }

  /** A wait state: intermediate catch event or event-based gateway. */
  private waitAt(node: NodeDef, scope: string, role: 'wait' | 'eventGateway'): void {
    const exec = this.newExec(node, scope, 'wait');
    this.atomically(exec, () => {
      if (role === 'wait') {
        this.arm(node, exec, scope, 'wait');
        return;
      }
      for (const flowId of node.outgoing) {
        const target = this.rt.node(this.rt.flow(flowId).target);
        this.arm(target, exec, scope, 'eventGateway');
      }
    });
  }

  /** Runs `fn`; if it fails, the exec it was setting up disappears with everything it armed, and the error goes on. */
  private atomically(exec: Exec, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      if (this.s.execs[exec.id]) this.cancelExec(exec, 'set-up failed', true);
      throw error;
    }
  }

  /** Opens the subscription or schedules the timer a catching node waits for. */
  private arm(node: NodeDef, exec: Exec | undefined, scope: string, role: SubRole): void {
    const event = node.event;
    if (!event) return;
    if (event.kind === 'message' || event.kind === 'signal') {
      const sub: SubState = {
        id: this.id('m'),
        kind: event.kind,
        name: (event.kind === 'message' ? event.messageName : event.signalName)!,
        role,
        node: node.id,
        ...(exec ? { exec: exec.id } : { scope }),
      };
      if (event.kind === 'message') {
        const key = event.correlationKey ? this.evaluate(event.correlationKey, scope) : this.s.businessKey;
        if (key !== undefined && key !== null) sub.key = String(key);
      }
      this.s.subs[sub.id] = sub;
      this.own(exec, scope, sub.id);
      this.effects.push({
        type: 'sub.open',
        sub: { id: sub.id, instanceId: this.s.id, kind: sub.kind, name: sub.name, key: sub.key ?? null },
      });
      return;
    }
    if (event.kind === 'timer' && event.timer) {
      const raw = this.valueOf(event.timer.value, scope);
      if (typeof raw !== 'string' || raw === '') {
        throw new IncidentSignal('timer', `Timer of ${describeNode(node)} gave ${JSON.stringify(raw)}; expected an ISO 8601 ${event.timer.type} or a cron expression.`);
      }
      const calendarName = this.calendarFor(node, scope);
      const calendar = calendarName ? this.env.calendar(calendarName) : undefined;
      let spec;
      try {
        spec = parseTimer(event.timer.type, raw, calendar?.zone ?? this.env.zone);
      } catch (error) {
        throw new IncidentSignal('timer', `Timer of ${describeNode(node)}: ${(error as Error).message}`);
      }
      const due = firstDue(spec, this.now, calendar ? { calendar } : { zone: this.env.zone });
      if (due === null) return;
      this.scheduleTimer({
        id: this.id('t'),
        due,
        role,
        node: node.id,
        ...(exec ? { exec: exec.id } : { scope }),
        spec,
        ...(calendarName ? { calendar: calendarName } : {}),
        fired: 0,
      }, exec, scope);
    }
  }

  private scheduleTimer(timer: TimerState, exec: Exec | undefined, scope: string): void {
    this.s.timers[timer.id] = timer;
    this.own(exec, scope, timer.id);
    this.effects.push({
      type: 'timer.schedule',
      timer: { id: timer.id, due: timer.due, instanceId: this.s.id, definition: this.s.definition, node: timer.node },
    });
    this.record('timer.scheduled', this.rt.node(timer.node), { timer: timer.id, due: timer.due, ...(timer.role === 'sla' ? { rule: timer.rule } : {}) });
  }

  private own(exec: Exec | undefined, scope: string, id: string): void {
    if (exec) (exec.owned ??= []).push(id);
    else (this.s.scopes[scope].owned ??= []).push(id);
  }

  /** Cancels a subscription or timer (they are owned by an exec or a scope). */
  private dropOwned(id: string): void {
    if (this.s.subs[id]) {
      delete this.s.subs[id];
      this.effects.push({ type: 'sub.close', subId: id });
    } else if (this.s.timers[id]) {
      const timer = this.s.timers[id];
      delete this.s.timers[id];
      this.effects.push({ type: 'timer.cancel', timerId: id });
      this.record('timer.cancelled', this.rt.node(timer.node), { timer: id });
    }
  }

  private calendarFor(node: NodeDef, scope: string): string | undefined {
    const value = node.sla?.calendar ?? (node.attachedTo ? this.rt.node(node.attachedTo).sla?.calendar : undefined) ?? this.rt.definition.sla?.calendar;
    const name = this.valueOf(value, scope);
    if (name === undefined || name === null || name === '') return undefined;
    if (!this.env.calendar(String(name))) {
      throw new IncidentSignal('timer', `Calendar '${String(name)}' of ${describeNode(node)} is not registered with the engine.`);
    }
    return String(name);
  }

  // ---------------------------------------------------------------- activities

  private activate(node: NodeDef, scope: string, body?: { container: string; index: number }): void {
    const kind: ExecKind =
      node.type === 'userTask'
        ? 'task'
        : node.type === 'subProcess'
          ? 'subProcess'
          : node.type === 'callActivity'
            ? 'call'
            : node.jobType
              ? 'job'
              : 'wait';
    const inputs = node.type === 'callActivity' ? {} : this.payload(node, scope);
    const exec = this.newExec(node, scope, kind, body ? { body } : {});
    exec.visit = body ? this.s.execs[body.container]?.visit ?? 1 : this.nextVisit(node.id);
    this.atomically(exec, () => this.setUp(node, exec, scope, inputs, body));
    this.openHistory(exec, node);
  }

  private nextVisit(nodeId: string): number {
    const visits = (this.s.visits ??= {});
    visits[nodeId] = (visits[nodeId] ?? 0) + 1;
    return visits[nodeId];
  }

  private setUp(node: NodeDef, exec: Exec, scope: string, inputs: Variables, body: { container: string; index: number } | undefined): void {
    if (Object.keys(inputs).length || node.type === 'subProcess') {
      exec.child = this.newScope(node.id, scope, exec.id, node.type === 'subProcess' && node.triggeredByEvent ? {} : inputs).id;
    }
    const local = node.type === 'subProcess' ? scope : exec.child ?? scope;
    if (!body) this.armBoundaries(node, exec, scope);
    if (node.sla) exec.sla = this.startSla(node.sla, local, exec, node);
    switch (node.type) {
      case 'userTask':
        this.createTask(node, exec, local);
        return;
      case 'receiveTask':
        this.arm(node, exec, local, 'wait');
        return;
      case 'subProcess': {
        const child = this.s.scopes[exec.child!];
        this.armEventSubProcesses(child);
        this.push({ t: 'enter', node: this.rt.scope(node.id).noneStart!, scope: child.id });
        return;
      }
      case 'callActivity':
        this.startCall(node, exec, scope);
        return;
      default:
        break;
    }
    if (exec.kind === 'job') {
      this.activateJob(node, local, exec);
      return;
    }
    // Automatic work: script/business-rule expressions, plain and manual tasks, send tasks without a job.
    let vars: Variables | undefined;
    if (node.expression) {
      const result = this.evaluate(node.expression, local);
      if (node.resultVariable) vars = { [node.resultVariable]: result };
    }
    if (node.type === 'sendTask') this.sendMessage(node, local);
    this.push({ t: 'complete', exec: exec.id, ...(vars ? { vars } : {}) });
  }

  private armBoundaries(node: NodeDef, exec: Exec, scope: string): void {
    for (const id of node.boundaries ?? []) {
      const boundary = this.rt.node(id);
      const kind = boundary.event?.kind;
      if (kind === 'message' || kind === 'signal' || kind === 'timer') this.arm(boundary, exec, scope, 'boundary');
    }
  }

  private armEventSubProcesses(scope: ScopeState): void {
    for (const id of this.rt.scope(scope.def)?.eventSubProcesses ?? []) {
      const start = this.rt.node(this.rt.scope(id).triggeredStarts[0]);
      if (!start) continue;
      const kind = start.event?.kind;
      if (kind === 'message' || kind === 'signal' || kind === 'timer') this.arm(start, undefined, scope.id, 'eventSub');
    }
  }

  private activateJob(node: NodeDef, scope: string, exec: Exec): void {
    exec.kind = 'job';
    exec.job = { id: this.id('j'), type: node.jobType!, retries: node.retries ?? 3, attempt: 1, due: this.now };
    this.effects.push({ type: 'job.create', job: this.jobRow(exec, node, scope) });
    this.record('job.created', node, { job: exec.job.id, type: exec.job.type, retries: exec.job.retries });
  }

  private jobRow(exec: Exec, node: NodeDef, scope: string) {
    const job = exec.job!;
    return {
      id: job.id,
      instanceId: this.s.id,
      definition: this.s.definition,
      node: node.id,
      type: job.type,
      retries: job.retries,
      attempt: job.attempt,
      due: job.due,
      variables: clone(this.context(exec.child ?? scope)),
      idempotencyKey: `${job.id}#${job.attempt}`,
    };
  }

  private createTask(node: NodeDef, exec: Exec, scope: string): void {
    const a = node.assignment ?? {};
    const assignee = this.valueOf(a.assignee, scope);
    const task = {
      id: this.id('k'),
      candidateUsers: toList(this.valueOf(a.candidateUsers, scope)),
      candidateGroups: toList(this.valueOf(a.candidateGroups, scope)),
      createdAt: this.now,
      ...(assignee !== undefined && assignee !== null && assignee !== '' ? { assignee: String(assignee) } : {}),
    };
    exec.task = task;
    // A task's department (charged in KPI reports) defaults to its first candidate group.
    if (exec.sla && !exec.sla.department && task.candidateGroups[0]) exec.sla.department = task.candidateGroups[0];
    const row = this.taskRow(exec, node);
    this.effects.push({ type: 'task.create', task: row });
    this.record('task.created', node, {
      task: task.id,
      ...(task.assignee ? { assignee: task.assignee } : {}),
      candidateUsers: task.candidateUsers,
      candidateGroups: task.candidateGroups,
      ...(row.due !== undefined ? { due: row.due } : {}),
    });
    this.emit('task.created', node, { task: row });
  }

  private taskRow(exec: Exec, node: NodeDef): TaskRow {
    const task = exec.task!;
    return {
      id: task.id,
      instanceId: this.s.id,
      processId: this.s.processId,
      definition: this.s.definition,
      node: node.id,
      ...(node.name ? { name: node.name } : {}),
      ...(this.s.businessKey !== undefined ? { businessKey: this.s.businessKey } : {}),
      ...(task.assignee ? { assignee: task.assignee } : {}),
      candidateUsers: task.candidateUsers,
      candidateGroups: task.candidateGroups,
      createdAt: task.createdAt,
      ...(exec.sla?.due !== undefined ? { due: exec.sla.due } : {}),
      ...(exec.sla?.department ?? task.candidateGroups[0] ? { department: exec.sla?.department ?? task.candidateGroups[0] } : {}),
      ...(node.formKey ? { formKey: node.formKey } : {}),
    };
  }

  private startCall(node: NodeDef, exec: Exec, scope: string): void {
    const processId = this.valueOf(node.calledElement, scope);
    if (typeof processId !== 'string' || !processId) {
      throw new IncidentSignal('call', `calledElement of ${describeNode(node)} gave ${JSON.stringify(processId)}; expected a process id.`);
    }
    if (this.s.depth + 1 > this.env.limits.maxCallDepth) {
      throw new IncidentSignal('call', `Call activity ${describeNode(node)} would start '${processId}' ${this.s.depth + 1} calls deep, beyond the limit of ${this.env.limits.maxCallDepth} (runaway recursion through call activities? raise limits.maxCallDepth if this depth is intended).`);
    }
    let variables: Variables;
    const mappings = node.inputs ?? [];
    if (mappings.length === 0 || mappings.some((m) => m.target === '*')) variables = clone(this.context(scope));
    else variables = {};
    for (const m of mappings) if (m.target !== '*') variables[m.target] = this.evaluate(m.source, scope);
    // The called process redacts what this one holds sensitive, and inputs computed from it under other names.
    const sensitive = [...this.sensitiveNames(), ...mappings.filter((m) => m.target !== '*' && this.readsSensitive(m.source)).map((m) => m.target)];
    exec.call = `${this.s.id}.c${this.s.seq.toString(36)}`;
    this.effects.push({
      type: 'call.start',
      child: exec.call,
      processId,
      variables,
      exec: exec.id,
      depth: this.s.depth + 1,
      ...(this.s.businessKey !== undefined ? { businessKey: this.s.businessKey } : {}),
      ...(sensitive.length ? { sensitive: [...new Set(sensitive)] } : {}),
    });
    this.record('call.started', node, { child: exec.call, processId });
  }

  // ---------------------------------------------------------------- multi-instance and loops

  private enterLoop(node: NodeDef, scope: string): void {
    const loop = node.loop!;
    if (loop.kind === 'standard') {
      if (loop.testBefore && this.evaluate(loop.loopCondition!, scope) !== true) {
        this.record('node.left', node, { iterations: 0 });
        this.leave(node.id, scope);
        return;
      }
      const max = loop.loopMaximum ?? Number.MAX_SAFE_INTEGER;
      const container = this.newExec(node, scope, 'multi', { multi: { total: max, completed: 0, active: 1, next: 1, loop: true } });
      container.visit = this.nextVisit(node.id);
      this.atomically(container, () => this.armBoundaries(node, container, scope));
      this.openHistory(container, node);
      this.push({ t: 'body', exec: container.id, index: 0 });
      return;
    }
    let items: unknown[] | undefined;
    let total: number;
    if (loop.collection) {
      const value = this.evaluate(loop.collection, scope);
      if (!Array.isArray(value)) {
        throw new IncidentSignal('expression', `Multi-instance collection of ${describeNode(node)} (${loop.collection.feel}) gave ${JSON.stringify(value)}; expected a list.`);
      }
      items = value;
      total = value.length;
    } else {
      const value = this.evaluate(loop.cardinality!, scope);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new IncidentSignal('expression', `loopCardinality of ${describeNode(node)} gave ${JSON.stringify(value)}; expected a whole number ≥ 0.`);
      }
      total = value;
    }
    const first = loop.kind === 'parallel' ? total : Math.min(total, 1);
    const container = this.newExec(node, scope, 'multi', {
      multi: {
        total,
        completed: 0,
        active: first,
        next: first,
        ...(items ? { items } : {}),
        ...(loop.outputCollection ? { outputs: new Array(total).fill(null) } : {}),
      },
    });
    container.visit = this.nextVisit(node.id);
    this.atomically(container, () => this.armBoundaries(node, container, scope));
    this.openHistory(container, node);
    this.record('multi.started', node, { instances: total });
    if (total === 0) {
      this.push({ t: 'complete', exec: container.id });
      return;
    }
    for (let i = 0; i < first; i++) this.push({ t: 'body', exec: container.id, index: i });
  }

  /** Starts instance `index` of a multi-instance or loop activity (its own work item, so a failure parks just it). */
  private startBody(node: NodeDef, container: Exec, index: number): void {
    const multi = container.multi!;
    const loop = node.loop!;
    const vars: Variables = { loopCounter: index + 1 };
    if (!multi.loop) {
      vars.nrOfInstances = multi.total;
      if (loop.elementVariable && multi.items) vars[loop.elementVariable] = multi.items[index];
    }
    const body = this.newScope(node.id, container.scope, container.id, vars);
    this.record('node.entered', node, { instance: index + 1 });
    try {
      this.activate(node, body.id, { container: container.id, index });
    } catch (error) {
      this.removeScope(body.id);
      throw error;
    }
  }

  /** What one finished multi-instance body means for its container; evaluated before anything changes. */
  private bodyOutcome(exec: Exec, resultVars: Variables): { output?: unknown; done: boolean } {
    const container = this.s.execs[exec.body!.container];
    const node = this.rt.node(exec.node);
    const loop = node.loop!;
    const multi = container.multi!;
    const completed = multi.completed + 1;
    const active = multi.active - 1;
    const extra = Object.assign({}, resultVars, { nrOfCompletedInstances: completed, nrOfActiveInstances: active, nrOfInstances: multi.total });
    const output = multi.outputs && loop.outputElement ? this.evaluate(loop.outputElement, exec.scope, extra) : undefined;
    let done = completed >= multi.total;
    if (multi.loop) done = done || this.evaluate(loop.loopCondition!, exec.scope, extra) !== true;
    else if (!done && loop.completionCondition) done = this.evaluate(loop.completionCondition, exec.scope, extra) === true;
    return { ...(multi.outputs && loop.outputElement ? { output } : {}), done };
  }

  private applyBodyOutcome(exec: Exec, outcome: { output?: unknown; done: boolean }): void {
    const container = this.s.execs[exec.body!.container];
    const node = this.rt.node(exec.node);
    const multi = container.multi!;
    multi.active -= 1;
    multi.completed += 1;
    if (multi.outputs && 'output' in outcome) multi.outputs[exec.body!.index] = outcome.output;
    this.removeScope(exec.scope);
    if (outcome.done) {
      this.cancelBodies(container);
      this.push({ t: 'complete', exec: container.id });
      return;
    }
    if ((node.loop!.kind === 'sequential' || multi.loop) && multi.active === 0) {
      multi.active += 1;
      this.push({ t: 'body', exec: container.id, index: multi.next });
      multi.next += 1;
    }
  }

  private cancelBodies(container: Exec): void {
    for (const { id, body } of Object.values(this.raw.execs)) {
      if (body?.container === container.id) {
        const exec = this.s.execs[id];
        if (!exec) continue; // cancelled with an earlier body
        const scope = exec.scope;
        this.cancelExec(exec, 'completion condition');
        this.removeScope(scope);
      }
    }
    if (container.multi) container.multi.active = 0;
  }

  // ---------------------------------------------------------------- completion

  /** An exec finished normally: outputs, SLA outcome, cleanup, then onward. */
  private completeExec(exec: Exec, vars?: Variables): void {
    const node = this.rt.node(exec.node);
    const local = exec.child ?? exec.scope;
    const result = vars ?? {};
    // Phase 1 — everything that can fail, before anything changes (a failure parks the token here).
    let mapped: Variables | undefined;
    if (exec.kind !== 'multi' && node.outputs?.length) {
      mapped = {};
      for (const m of node.outputs) if (m.target !== '*') mapped[m.target] = this.evaluate(m.source, local, result);
      if (node.outputs.some((m) => m.target === '*')) mapped = Object.assign({}, result, mapped);
      this.markSensitive(node.outputs.filter((m) => m.target !== '*' && this.readsSensitive(m.source)).map((m) => m.target));
    }
    const bodyOutcome = exec.body ? this.bodyOutcome(exec, Object.assign({}, result, mapped)) : undefined;
    // Phase 2 — apply.
    if (exec.kind === 'multi') {
      const loop = node.loop!;
      if (loop.outputCollection && exec.multi?.outputs) this.setVariables(exec.scope, { [loop.outputCollection]: exec.multi.outputs }, this.createScopeFor(exec));
      this.record('multi.completed', node, { completed: exec.multi?.completed ?? 0 });
    } else if (mapped) {
      this.setVariables(exec.scope, mapped, this.createScopeFor(exec));
    } else if (Object.keys(result).length) {
      this.setVariables(exec.scope, result, this.createScopeFor(exec));
    }
    if (exec.sla) this.endSla(exec.sla, exec, local);
    if (exec.task) this.effects.push({ type: 'task.end', taskId: exec.task.id });
    if (exec.job) this.effects.push({ type: 'job.end', jobId: exec.job.id });
    this.closeHistory(exec, node, 'completed');
    const scope = exec.scope;
    this.removeExec(exec);
    this.record('node.left', node, exec.body ? { instance: exec.body.index + 1 } : undefined);
    if (bodyOutcome) {
      this.applyBodyOutcome(exec, bodyOutcome);
      return;
    }
    if (!exec.eventSub) {
      try {
        this.leave(node.id, scope);
      } catch (error) {
        if (!(error instanceof IncidentSignal || error instanceof ExpressionError)) throw error;
        // The activity is done; its outgoing conditions failed: park the token after it.
        this.raiseIncident(error instanceof IncidentSignal ? error.kind : 'expression', node.id, error.message, undefined, { t: 'leave', node: node.id, scope });
      }
    }
    this.push({ t: 'check', scope });
  }

  private findTaskExec(taskId: string): Exec {
    const exec = this.findExec((e) => e.task?.id === taskId);
    if (!exec) throw new NotFoundError('task', taskId, `it is not open in instance '${this.s.id}'`);
    return exec;
  }

  /** The step's own copy of the first execution that `match`es, scanning the uncopied ones (no array of them all). */
  private findExec(match: (exec: Readonly<Exec>) => boolean): Exec | undefined {
    const execs = this.raw.execs;
    for (const id in execs) if (match(execs[id])) return this.s.execs[id];
    return undefined;
  }

  private mayWork(exec: Exec): boolean {
    const task = exec.task!;
    const user = this.actor.id;
    if (user === 'system') return true;
    if (task.assignee) return task.assignee === user;
    if (task.candidateUsers.includes(user)) return true;
    const groups = this.actor.groups ?? [];
    if (task.candidateGroups.some((g) => groups.includes(g))) return true;
    return task.candidateUsers.length === 0 && task.candidateGroups.length === 0;
  }

  private refuse(exec: Exec, verb: string): never {
    const task = exec.task!;
    const node = this.rt.node(exec.node);
    const who = task.assignee
      ? `it is assigned to '${task.assignee}'`
      : `candidates are users [${task.candidateUsers.join(', ')}] and groups [${task.candidateGroups.join(', ')}]${this.actor.groups ? `; '${this.actor.id}' is in [${this.actor.groups.join(', ')}]` : `; no groups were given for '${this.actor.id}'`}`;
    throw new TaskNotAssignableError(`'${this.actor.id}' may not ${verb} task '${task.id}' ${describeNode(node)}: ${who}.`, {
      taskId: task.id,
      user: this.actor.id,
    });
  }

  private completeTask(taskId: string, vars: Variables): void {
    const exec = this.findTaskExec(taskId);
    if (!this.mayWork(exec)) this.refuse(exec, 'complete');
    const node = this.rt.node(exec.node);
    this.checkFormOf(node, vars, exec.child ?? exec.scope, `Task '${taskId}' ${describeNode(node)}`, { taskId });
    this.record('task.completed', node, { task: taskId, by: this.actor.id, variables: this.redact(vars) });
    this.emit('task.completed', node, { task: taskId, by: this.actor.id, variables: vars });
    this.push({ t: 'complete', exec: exec.id, vars });
  }

  /** Refuses data that does not fill the node's form; conditions see the scope's variables and the submitted ones. */
  private checkFormOf(node: NodeDef, vars: Variables, scope: string, subject: string, details: Record<string, unknown> = {}): void {
    if (!node.fields?.length) return;
    const problems = checkForm(node.fields, vars, (expr) => this.evaluate(expr, scope, vars));
    if (problems.length) throw new FormValidationError(subject, problems, { ...details, node: node.id, instanceId: this.s.id });
  }

  private claimTask(taskId: string, user: string | null): void {
    const exec = this.findTaskExec(taskId);
    const task = exec.task!;
    const node = this.rt.node(exec.node);
    if (user === null) {
      if (!task.assignee) return;
      if (this.actor.id !== 'system' && this.actor.id !== task.assignee) this.refuse(exec, 'unclaim');
      delete task.assignee;
      delete task.claimedAt;
    } else {
      if (task.assignee === user) return;
      if (task.assignee) {
        throw new InvalidStateError('task.claimed', `Task '${taskId}' ${describeNode(node)} is already claimed by '${task.assignee}'.`, {
          taskId,
          assignee: task.assignee,
        });
      }
      if (user !== this.actor.id && this.actor.id !== 'system') {
        throw new TaskNotAssignableError(`'${this.actor.id}' may not claim task '${taskId}' for '${user}'.`, { taskId, user: this.actor.id });
      }
      if (!this.mayWork(exec)) this.refuse(exec, 'claim');
      task.assignee = user;
      task.claimedAt = this.now;
    }
    this.record(user === null ? 'task.unclaimed' : 'task.claimed', node, { task: taskId, ...(user ? { assignee: user } : {}) });
    const row = this.taskRow(exec, node);
    this.effects.push({ type: 'task.update', task: row });
    this.emit('task.assigned', node, { task: row });
  }

  private assignTask(event: Extract<InstanceEvent, { type: 'task.assign' }>): void {
    const exec = this.findTaskExec(event.taskId);
    this.reassign(exec, event.assignee, event.candidateUsers, event.candidateGroups, 'task.reassigned');
  }

  private reassign(exec: Exec, assignee: string | null | undefined, users: string[] | undefined, groups: string[] | undefined, auditType: string): void {
    const task = exec.task!;
    const node = this.rt.node(exec.node);
    const before = { assignee: task.assignee ?? null, candidateUsers: task.candidateUsers, candidateGroups: task.candidateGroups };
    if (assignee === null) delete task.assignee;
    else if (assignee !== undefined) task.assignee = assignee;
    if (users) task.candidateUsers = users;
    if (groups) task.candidateGroups = groups;
    this.record(auditType, node, {
      task: task.id,
      from: before,
      to: { assignee: task.assignee ?? null, candidateUsers: task.candidateUsers, candidateGroups: task.candidateGroups },
    });
    const row = this.taskRow(exec, node);
    this.effects.push({ type: 'task.update', task: row });
    this.emit('task.assigned', node, { task: row });
  }

  // ---------------------------------------------------------------- triggers

  private onMessage(subId: string, vars: Variables): void {
    const sub = this.s.subs[subId];
    if (!sub || sub.kind !== 'message') {
      throw new InvalidStateError('message.no-subscription', `Instance '${this.s.id}' is not waiting for this message (subscription '${subId}').`, {
        instanceId: this.s.id,
        subscriptionId: subId,
      });
    }
    const node = this.rt.node(sub.node);
    // A correlation key computed from a sensitive variable is as sensitive as the variable.
    const keyExpr = node.event?.correlationKey;
    const key = sub.key !== undefined && keyExpr && this.readsSensitive(keyExpr) ? { $sensitive: sub.key } : sub.key;
    this.record('message.received', node, { message: sub.name, ...(key !== undefined ? { key } : {}), variables: this.redact(vars) });
    this.trigger(sub.role, sub.node, sub.exec, sub.scope, vars);
  }

  private onSignal(name: string, vars: Variables): void {
    this.record('signal.received', undefined, { signal: name, variables: this.redact(vars) });
    this.deliverSignal(name, vars);
  }

  private deliverSignal(name: string, vars: Variables): void {
    const ids = Object.values(this.raw.subs)
      .filter((s) => s.kind === 'signal' && s.name === name)
      .map((s) => s.id);
    for (const id of ids) {
      const sub = this.s.subs[id];
      if (sub) this.trigger(sub.role, sub.node, sub.exec, sub.scope, vars);
    }
  }

  private onTimer(timerId: string): void {
    const timer = this.s.timers[timerId];
    if (!timer) return; // cancelled before it fired: nothing happens
    const node = this.rt.node(timer.node);
    timer.fired += 1;
    this.record('timer.fired', node, { timer: timerId, due: timer.due, ...(timer.role === 'sla' ? { rule: timer.rule } : {}) });
    if (timer.role === 'sla') {
      this.fireSlaRule(timer);
      return;
    }
    // Cycles on non-interrupting catches fire again; everything else fires once.
    const again = this.nextCycle(timer);
    if (again === null) this.dropTimerSilently(timer);
    else {
      timer.due = again;
      this.effects.push({ type: 'timer.schedule', timer: { id: timer.id, due: again, instanceId: this.s.id, definition: this.s.definition, node: timer.node } });
    }
    this.trigger(timer.role, timer.node, timer.exec, timer.scope, {});
  }

  private nextCycle(timer: TimerState): number | null {
    if (timer.spec?.kind !== 'cycle') return null;
    const node = this.rt.node(timer.node);
    const interrupting = timer.role === 'boundary' ? node.cancelActivity !== false : timer.role === 'eventSub' ? node.interrupting !== false : true;
    if (interrupting) return null;
    const calendar = timer.calendar ? this.env.calendar(timer.calendar) : undefined;
    return nextDue(timer.spec, timer.due, timer.fired, calendar ? { calendar } : { zone: this.env.zone });
  }

  private dropTimerSilently(timer: TimerState): void {
    delete this.s.timers[timer.id];
    const owner = timer.exec ? this.s.execs[timer.exec] : undefined;
    const list = owner ? owner.owned : timer.scope ? this.s.scopes[timer.scope]?.owned : undefined;
    if (list) {
      const i = list.indexOf(timer.id);
      if (i >= 0) list.splice(i, 1);
    }
  }

  /** A message, signal or timer arrived for a catching node. */
  private trigger(role: SubRole, nodeId: string, execId: string | undefined, scopeId: string | undefined, vars: Variables): void {
    const node = this.rt.node(nodeId);
    switch (role) {
      case 'wait': {
        const exec = execId ? this.s.execs[execId] : undefined;
        if (exec) this.push({ t: 'complete', exec: exec.id, vars });
        return;
      }
      case 'eventGateway': {
        const gateway = execId ? this.s.execs[execId] : undefined;
        if (!gateway) return;
        const scope = gateway.scope;
        this.removeExec(gateway);
        this.record('node.left', this.rt.node(gateway.node), { chosen: node.id });
        this.record('node.entered', node);
        this.push({ t: 'resume', node: node.id, scope, vars });
        return;
      }
      case 'boundary': {
        const host = execId ? this.s.execs[execId] : undefined;
        if (host) this.fireBoundary(node, host, vars);
        return;
      }
      case 'eventSub': {
        const scope = scopeId ? this.s.scopes[scopeId] : undefined;
        if (scope) this.startEventSub(node, scope, vars);
        return;
      }
    }
  }



  /** A catching node's output mappings (or, without any, the payload merged into the process). */
  private applyOutputs(node: NodeDef, scope: string, vars: Variables): void {
    if (node.outputs?.length) {
      const mapped: Variables = {};
      for (const m of node.outputs) mapped[m.target] = this.evaluate(m.source, scope, vars);
      this.setVariables(scope, mapped, this.s.root);
    } else if (Object.keys(vars).length) {
      this.setVariables(scope, vars, this.s.root);
    }
  }

  private fireBoundary(boundary: NodeDef, host: Exec, vars: Variables): void {
    const scope = host.scope;
    this.record('boundary.triggered', boundary, { host: host.node, interrupting: boundary.cancelActivity !== false });
    if (boundary.cancelActivity !== false) this.cancelExec(host, `boundary event ${boundary.id}`);
    this.record('node.entered', boundary);
    this.push({ t: 'resume', node: boundary.id, scope, vars });
  }

  private startEventSub(start: NodeDef, scope: ScopeState, vars: Variables): void {
    const evsub = this.rt.node(start.scope);
    const interrupting = start.interrupting !== false;
    this.record('eventSubProcess.triggered', evsub, { start: start.id, interrupting });
    if (interrupting) this.cancelScopeContents(scope.id, `event sub-process ${evsub.id}`);
    const exec = this.newExec(evsub, scope.id, 'subProcess', { eventSub: true });
    const child = this.newScope(evsub.id, scope.id, exec.id, {});
    exec.child = child.id;
    this.record('node.entered', evsub);
    this.record('node.entered', start);
    this.push({ t: 'resume', node: start.id, scope: child.id, vars });
  }

  // ---------------------------------------------------------------- jobs

  private findJobExec(jobId: string): Exec {
    const exec = this.findExec((e) => e.job?.id === jobId);
    if (!exec) throw new NotFoundError('job', jobId, `it is not active in instance '${this.s.id}'`);
    return exec;
  }

  private onJobComplete(jobId: string, vars: Variables): void {
    const exec = this.findJobExec(jobId);
    const node = this.rt.node(exec.node);
    this.record('job.completed', node, { job: jobId, attempt: exec.job!.attempt, variables: this.redact(vars) });
    if (node.type === 'endEvent' || node.type === 'intermediateThrowEvent') {
      this.effects.push({ type: 'job.end', jobId });
      const scope = exec.scope;
      delete exec.job;
      this.removeExec(exec);
      this.record('node.left', node);
      if (node.type === 'intermediateThrowEvent') this.push({ t: 'leave', node: node.id, scope });
      else this.push({ t: 'check', scope });
      return;
    }
    this.push({ t: 'complete', exec: exec.id, vars });
  }

  private onJobFail(jobId: string, error: string, retries: number | undefined, retryAt: number | undefined): void {
    const exec = this.findJobExec(jobId);
    const job = exec.job!;
    const node = this.rt.node(exec.node);
    job.retries = retries ?? job.retries - 1;
    job.attempt += 1;
    this.record('job.failed', node, { job: jobId, error, retriesLeft: job.retries });
    if (job.retries <= 0) {
      this.effects.push({ type: 'job.end', jobId });
      this.raiseIncident('job', node.id, `Job '${job.type}' failed with no retries left: ${error}`, exec.id, null);
      return;
    }
    // Exponential backoff: the first retry waits retryBackoff, each further one twice as long.
    const backoff = durationToMillis(parseDuration(node.retryBackoff ?? 'PT10S'));
    const failures = job.attempt - 1;
    job.due = retryAt ?? this.now + backoff * 2 ** Math.min(failures - 1, 20);
    this.effects.push({ type: 'job.update', job: this.jobRow(exec, node, exec.scope) });
  }

  private onJobError(jobId: string, code: string, message: string | undefined, vars: Variables): void {
    const exec = this.findJobExec(jobId);
    const node = this.rt.node(exec.node);
    this.record('job.bpmnError', node, { job: jobId, code, ...(message ? { message } : {}) });
    this.throwError(code, exec.scope, exec, node, vars, message);
  }

  // ---------------------------------------------------------------- call activities

  private callExec(execId: string): Exec {
    const exec = this.s.execs[execId];
    if (!exec || exec.kind !== 'call') {
      throw new InvalidStateError('call.unknown', `Instance '${this.s.id}' has no call activity '${execId}' waiting.`, { instanceId: this.s.id, exec: execId });
    }
    return exec;
  }

  private onChildComplete(execId: string, vars: Variables): void {
    const exec = this.callExec(execId);
    this.record('call.completed', this.rt.node(exec.node), { child: exec.call });
    delete exec.call;
    this.push({ t: 'complete', exec: exec.id, vars });
  }

  private onChildError(execId: string, code: string, message: string | undefined, vars: Variables): void {
    const exec = this.callExec(execId);
    delete exec.call; // the child has ended
    this.throwError(code, exec.scope, exec, this.rt.node(exec.node), vars, message);
  }

  private onChildEscalation(execId: string, code: string, vars: Variables): void {
    const exec = this.callExec(execId);
    this.throwEscalation(code, exec.scope, exec, this.rt.node(exec.node), vars);
  }

  private onChildCancelled(execId: string, message?: string): void {
    const exec = this.callExec(execId);
    delete exec.call;
    this.raiseIncident('call', exec.node, message ?? `The called instance was cancelled; the call activity cannot complete.`, exec.id, null);
  }

  // ---------------------------------------------------------------- errors and escalations

  /**
   * Throws a BPMN error: the innermost matching catch wins (the thrower's own
   * boundaries, then each enclosing scope's event sub-processes and its
   * owner's boundaries); an exact code beats a catch-all at the same level.
   */
  private throwError(code: string, scope: string, thrower: Exec | undefined, node: NodeDef, vars: Variables, message?: string): void {
    this.record('error.thrown', node, { code, ...(message ? { message } : {}) });
    const caught = this.findCatch('error', code, scope, thrower);
    if (caught) {
      this.record('error.caught', this.rt.node(caught.node), { code });
      if (caught.via === 'boundary') this.fireBoundary(this.rt.node(caught.node), caught.host, vars);
      else this.startEventSub(this.rt.node(caught.node), caught.scope, vars);
      return;
    }
    if (this.s.parent) {
      this.record('error.propagated', node, { code });
      this.endAsChild({ outcome: 'error', code, variables: vars, ...(message ? { message } : {}) });
      return;
    }
    const text = `BPMN error '${code}' was not caught by any boundary or event sub-process${message ? `: ${message}` : ''}.`;
    if (thrower?.job) {
      // The worker reported an error nobody catches: like a failed job, resolving the incident runs it again.
      this.effects.push({ type: 'job.end', jobId: thrower.job.id });
      this.raiseIncident('job', thrower.node, text, thrower.id, null);
      return;
    }
    if (thrower) {
      this.raiseIncident('call', thrower.node, text, thrower.id, null);
      return;
    }
    const park = this.newExec(node, scope, 'incident');
    this.raiseIncident('uncaught-error', node.id, text, park.id, null);
  }

  /**
   * Throws a BPMN escalation; uncaught escalations are recorded and the case
   * goes on. Returns `interrupted` when an interrupting catch took the
   * thrower's scope (the throwing token must stop there).
   */
  private throwEscalation(code: string, scope: string, thrower: Exec | undefined, node: NodeDef, vars: Variables): 'interrupted' | 'continues' {
    this.record('escalation.thrown', node, { code });
    this.emit('escalation.thrown', node, { code });
    const caught = this.findCatch('escalation', code, scope, thrower);
    if (caught) {
      const catcher = this.rt.node(caught.node);
      this.record('escalation.caught', catcher, { code });
      if (caught.via === 'boundary') this.fireBoundary(catcher, caught.host!, vars);
      else this.startEventSub(catcher, caught.scope!, vars);
      const interrupting = caught.via === 'boundary' ? catcher.cancelActivity !== false : catcher.interrupting !== false;
      return interrupting ? 'interrupted' : 'continues';
    }
    if (this.s.parent) {
      this.record('escalation.propagated', node, { code });
      this.effects.push({ type: 'parent.notify', parent: this.s.parent, outcome: 'escalation', code, variables: vars, ...this.sensitiveForParent() });
      return 'continues';
    }
    this.record('escalation.uncaught', node, { code });
    this.emit('escalation.uncaught', node, { code });
    return 'continues';
  }

  private findCatch(
    kind: 'error' | 'escalation',
    code: string,
    scopeId: string,
    thrower: Exec | undefined,
  ): { via: 'boundary'; node: string; host: Exec } | { via: 'eventSub'; node: string; scope: ScopeState } | undefined {
    const matchBoundaries = (host: Exec): { via: 'boundary'; node: string; host: Exec } | undefined => {
      if (host.body) return undefined; // multi-instance bodies: the container carries the boundaries
      const boundaries = (this.rt.node(host.node).boundaries ?? []).map((id) => this.rt.node(id)).filter((b) => b.event?.kind === kind);
      const codeOf = (b: NodeDef) => (kind === 'error' ? b.event?.errorCode : b.event?.escalationCode);
      const exact = boundaries.find((b) => codeOf(b) === code) ?? boundaries.find((b) => codeOf(b) === undefined);
      return exact ? { via: 'boundary', node: exact.id, host } : undefined;
    };
    if (thrower) {
      const hit = matchBoundaries(thrower);
      if (hit) return hit;
    }
    for (let scope: ScopeState | undefined = this.s.scopes[scopeId]; scope; scope = scope.parent ? this.s.scopes[scope.parent] : undefined) {
      const def = this.rt.scope(scope.def);
      if (def) {
        const starts = def.eventSubProcesses
          .map((id) => this.rt.node(this.rt.scope(id).triggeredStarts[0]))
          .filter((s) => s && s.event?.kind === kind);
        const codeOf = (s: NodeDef) => (kind === 'error' ? s.event?.errorCode : s.event?.escalationCode);
        const hit = starts.find((s) => codeOf(s) === code) ?? starts.find((s) => codeOf(s) === undefined);
        if (hit) return { via: 'eventSub', node: hit.id, scope };
      }
      const owner = scope.exec ? this.s.execs[scope.exec] : undefined;
      if (owner && owner !== thrower) {
        const hit = matchBoundaries(owner);
        if (hit) return hit;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- cancellation

  /** Cancels an exec and everything inside it (iteratively: nesting is unbounded). */
  private cancelExec(exec: Exec, reason: string, silent = false): void {
    const stack: Exec[] = [exec];
    const order: Exec[] = [];
    while (stack.length) {
      const e = stack.pop()!;
      order.push(e);
      if (e.child) for (const { id, scope } of Object.values(this.raw.execs)) if (scope === e.child) stack.push(this.s.execs[id]);
      if (e.kind === 'multi') for (const { id, body } of Object.values(this.raw.execs)) if (body?.container === e.id) stack.push(this.s.execs[id]);
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const e = order[i];
      if (!this.s.execs[e.id]) continue;
      const node = this.rt.node(e.node);
      if (e.task) {
        this.effects.push({ type: 'task.end', taskId: e.task.id });
        if (!silent) this.emit('task.cancelled', node, { task: e.task.id, reason });
      }
      if (e.job) this.effects.push({ type: 'job.end', jobId: e.job.id });
      if (e.call) this.effects.push({ type: 'call.cancel', child: e.call });
      if (e.sla && !silent) this.endSla(e.sla, e, e.child ?? e.scope, true);
      if (!silent) this.closeHistory(e, node, 'cancelled');
      if (e.child) for (const key of Object.keys(this.s.joins)) if (key.startsWith(`${e.child}/`)) delete this.s.joins[key];
      if (e.incident) delete this.s.incidents[e.incident];
      const bodyScope = e.body ? e.scope : undefined;
      this.removeExec(e);
      if (bodyScope) this.removeScope(bodyScope);
      if (!silent) this.record('node.cancelled', node, { reason });
    }
  }

  private cancelScopeContents(scopeId: string, reason: string): void {
    for (const { id, scope } of Object.values(this.raw.execs)) if (scope === scopeId && this.raw.execs[id]) this.cancelExec(this.s.execs[id], reason);
    for (const key of Object.keys(this.s.joins)) {
      if (key.startsWith(`${scopeId}/`)) {
        const tokens = Object.values(this.s.joins[key]).reduce((a, b) => a + b, 0);
        this.s.scopes[scopeId].active -= tokens;
        delete this.s.joins[key];
      }
    }
    const scope = this.s.scopes[scopeId];
    for (const owned of scope.owned ?? []) this.dropOwned(owned);
    scope.owned = [];
    // Tokens already queued in this scope are dropped with it.
    this.queue.splice(this.head).forEach((w) => {
      if ((w.t === 'enter' || w.t === 'leave') && w.scope === scopeId) this.pending.set(scopeId, (this.pending.get(scopeId) ?? 1) - 1);
      else this.queue.push(w);
    });
  }

  private terminateScope(scopeId: string, node: NodeDef): void {
    this.record('scope.terminated', node, { scope: scopeId });
    this.cancelScopeContents(scopeId, `terminate end event ${node.id}`);
  }

  private cancelInstance(reason: string | undefined): void {
    this.record('instance.cancelled', undefined, { ...(reason ? { reason } : {}) });
    this.cancelScopeContents(this.s.root, reason ?? 'instance cancelled');
    this.s.status = 'cancelled';
    this.s.endedAt = this.now;
    if (this.s.sla) delete this.s.sla;
    this.emit('instance.cancelled', undefined, { ...(reason ? { reason } : {}) });
    if (this.s.parent) this.effects.push({ type: 'parent.notify', parent: this.s.parent, outcome: 'cancelled' });
  }

  /** A called instance that ends by an error its own diagram does not catch. */
  private endAsChild(notify: { outcome: 'error'; code: string; message?: string; variables: Variables }): void {
    this.cancelScopeContents(this.s.root, `error ${notify.code} propagated to the calling process`);
    this.s.status = 'completed';
    this.s.endedAt = this.now;
    this.record('instance.completed', undefined, { error: notify.code });
    this.effects.push({ type: 'parent.notify', parent: this.s.parent!, ...notify, ...this.sensitiveForParent() });
  }

  // ---------------------------------------------------------------- incidents

  private raiseIncident(kind: Incident['kind'], nodeId: string, message: string, execId: string | undefined, retry: Work | null): void {
    const node = this.rt.node(nodeId);
    let exec = execId ? this.s.execs[execId] : undefined;
    if (!exec && retry && (retry.t === 'enter' || retry.t === 'leave') && this.s.scopes[retry.scope]) {
      exec = this.newExec(node, retry.scope, 'incident');
    }
    const incident: Incident = {
      id: this.id('i'),
      kind,
      node: nodeId,
      message,
      createdAt: this.now,
      retry,
      ...(exec ? { exec: exec.id } : {}),
    };
    if (exec) exec.incident = incident.id;
    this.s.incidents[incident.id] = incident;
    this.record('incident.raised', node, { incident: incident.id, kind, message });
    this.emit('incident.raised', node, { incident: incident.id, kind, message });
  }

  private resolveIncident(incidentId: string, vars: Variables): void {
    const incident = this.s.incidents[incidentId];
    if (!incident) {
      throw new InvalidStateError('incident.not-found', `Instance '${this.s.id}' has no open incident '${incidentId}'.`, { instanceId: this.s.id, incidentId });
    }
    const node = this.rt.node(incident.node);
    delete this.s.incidents[incidentId];
    const exec = incident.exec ? this.s.execs[incident.exec] : undefined;
    if (Object.keys(vars).length) this.setVariables(exec?.child ?? exec?.scope ?? this.s.root, vars, this.s.root);
    this.record('incident.resolved', node, { incident: incidentId });
    this.emit('incident.resolved', node, { incident: incidentId });
    if (exec) delete exec.incident;
    if (incident.kind === 'job' && exec?.job) {
      // A new attempt with fresh retries.
      exec.job.retries = Math.max(1, this.rt.node(exec.node).retries ?? 3);
      exec.job.attempt += 1;
      exec.job.due = this.now;
      this.effects.push({ type: 'job.create', job: this.jobRow(exec, node, exec.scope) });
      return;
    }
    if (incident.kind === 'call' && exec && exec.kind === 'call') {
      // The called instance ended badly: call again.
      const scope = exec.scope;
      this.cancelExec(exec, 'incident resolved: calling again', true);
      this.push({ t: 'enter', node: exec.node, scope });
      return;
    }
    if (exec && exec.kind === 'incident') {
      const scope = exec.scope;
      this.removeExec(exec);
      if (!incident.retry && !incident.resume) this.push({ t: 'check', scope });
    }
    if (incident.retry) this.push(incident.retry);
    for (const work of incident.resume ?? []) this.push(work);
  }

  // ================================================================ history

  private historyRecord(exec: Exec, node: NodeDef): ActivityRecord {
    const record: ActivityRecord = {
      id: exec.id,
      instanceId: this.s.id,
      processId: this.s.processId,
      version: this.s.version,
      node: node.id,
      nodeType: node.type,
      visit: exec.visit ?? 1,
      startedAt: exec.startedAt,
      reminders: exec.sla?.reminders ?? 0,
      escalations: exec.sla?.escalations ?? 0,
    };
    if (this.s.businessKey !== undefined) record.businessKey = this.s.businessKey;
    if (node.name) record.nodeName = node.name;
    if (exec.kind === 'multi') record.multi = 'container';
    else if (exec.body) {
      record.multi = 'instance';
      record.instance = exec.body.index + 1;
    }
    const department = exec.sla?.department ?? exec.task?.candidateGroups[0];
    if (department) record.department = department;
    if (exec.task?.assignee) record.assignee = exec.task.assignee;
    if (exec.sla?.due !== undefined) record.due = exec.sla.due;
    return record;
  }

  /** An activity execution starts: its history row opens. */
  private openHistory(exec: Exec, node: NodeDef): void {
    if (!this.s.execs[exec.id] || !isActivity(node.type)) return;
    // Written when the step ends (finish), and only if the activity did not also end in it: in a run of plain tasks
    // every row would otherwise be built twice, open and then closed, in the same step.
    this.openRows.set(exec.id, exec);
  }

  /** An open activity's counts changed (an SLA rule fired): its history row is rewritten, so reports see them before it ends. */
  private refreshHistory(exec: Exec | undefined): void {
    if (exec && this.s.execs[exec.id]) this.openHistory(exec, this.rt.node(exec.node));
  }

  /** An activity execution ends: its history row closes with duration, outcome and SLA result. */
  private closeHistory(exec: Exec, node: NodeDef, outcome: 'completed' | 'cancelled'): void {
    if (!isActivity(node.type)) return;
    this.openRows.delete(exec.id);
    const record = this.historyRecord(exec, node);
    record.endedAt = this.now;
    record.durationMs = this.now - exec.startedAt;
    record.outcome = outcome;
    if (outcome === 'completed' && exec.task) record.completedBy = this.actor.id;
    if (outcome === 'completed' && record.due !== undefined) {
      record.slaMet = this.now <= record.due;
      if (!record.slaMet) record.overByMs = this.now - record.due;
    }
    this.effects.push({ type: 'history', record });
  }

  // ================================================================ SLA

  private startSla(sla: NonNullable<NodeDef['sla']>, scope: string, exec: Exec | undefined, node: NodeDef | undefined): SlaState {
    const state: SlaState = {};
    const departmentValue = this.valueOf(sla.department, scope);
    if (departmentValue !== undefined && departmentValue !== null && departmentValue !== '') state.department = String(departmentValue);
    if (sla.sla === undefined) return state;
    const slaValue = this.valueOf(sla.sla, scope);
    if (slaValue === null || slaValue === undefined) return state;
    if (typeof slaValue !== 'string') {
      throw new IncidentSignal('expression', `sop:sla of ${node ? describeNode(node) : 'the process'} gave ${JSON.stringify(slaValue)}; expected an ISO 8601 duration.`);
    }
    let duration;
    try {
      duration = parseDuration(slaValue);
    } catch (error) {
      throw new IncidentSignal('expression', `sop:sla of ${node ? describeNode(node) : 'the process'}: ${(error as Error).message}`);
    }
    const calendarValue = sla.calendar !== undefined ? this.valueOf(sla.calendar, scope) : node ? this.valueOf(this.rt.definition.sla?.calendar, scope) : undefined;
    const calendarName = calendarValue === null || calendarValue === undefined || calendarValue === '' ? undefined : String(calendarValue);
    const calendar = calendarName ? this.env.calendar(calendarName) : undefined;
    if (calendarName && !calendar) {
      throw new IncidentSignal('expression', `Calendar '${calendarName}' of ${node ? describeNode(node) : 'the process'} is not registered with the engine.`);
    }
    const start = this.now;
    const due = calendar ? calendar.addDuration(start, duration) : addDuration(start, duration, this.env.zone);
    state.due = due;
    state.length = calendar ? calendar.workingTimeBetween(start, due) : due - start;
    if (calendarName) state.calendar = calendarName;
    const nodeId = node?.id ?? this.rt.definition.id;
    const schedule = (due: number, rule: number) =>
      this.scheduleTimer({ id: this.id('t'), due, role: 'sla', node: nodeId, fired: 0, rule, ...(exec ? { exec: exec.id } : { scope }), ...(calendarName ? { calendar: calendarName } : {}) }, exec, scope);
    schedule(due, -1);
    sla.rules.forEach((rule, index) => schedule(this.ruleFirstDue(rule, start, state, calendar), index));
    return state;
  }

  private ruleFirstDue(rule: RuleDef, start: number, sla: SlaState, calendar: BusinessCalendar | undefined): number {
    if ('fraction' in rule.at) {
      const offset = Math.round((sla.length ?? 0) * rule.at.fraction);
      return calendar ? calendar.addWorkingTime(start, offset) : start + offset;
    }
    const d = parseDuration(rule.at.duration);
    return calendar ? calendar.addDuration(start, d) : addDuration(start, d, this.env.zone);
  }

  private slaOwner(timer: TimerState): { sla: SlaState | undefined; exec: Exec | undefined; node: NodeDef | undefined; rules: RuleDef[]; scope: string } {
    if (timer.exec) {
      const exec = this.s.execs[timer.exec];
      const node = this.rt.node(timer.node);
      return { sla: exec?.sla, exec, node, rules: node.sla?.rules ?? [], scope: exec ? exec.child ?? exec.scope : this.s.root };
    }
    return { sla: this.s.sla, exec: undefined, node: undefined, rules: this.rt.definition.sla?.rules ?? [], scope: this.s.root };
  }

  private fireSlaRule(timer: TimerState): void {
    const { sla, exec, node, rules, scope } = this.slaOwner(timer);
    const index = timer.rule ?? -1;
    if (index < 0) {
      this.dropTimerSilently(timer);
      this.record('sla.breached', node, { due: sla?.due ?? timer.due, ...(sla?.department ? { department: sla.department } : {}) });
      this.emit('sla.breached', node, { due: sla?.due ?? timer.due, ...(exec?.task ? { task: exec.task.id } : {}), ...(sla?.department ? { department: sla.department } : {}) });
      return;
    }
    const rule = rules[index];
    // When this firing was due (before an `every` rule moves the timer on): with the event's time, how late it fired.
    const scheduledAt = timer.due;
    const limit = rule.times ?? (rule.every ? Infinity : 1);
    if (rule.every && timer.fired < limit) {
      const calendar = timer.calendar ? this.env.calendar(timer.calendar) : undefined;
      const d = parseDuration(rule.every);
      timer.due = calendar ? calendar.addDuration(timer.due, d) : addDuration(timer.due, d, this.env.zone);
      this.effects.push({ type: 'timer.schedule', timer: { id: timer.id, due: timer.due, instanceId: this.s.id, definition: this.s.definition, node: timer.node } });
    } else {
      this.dropTimerSilently(timer);
    }
    const base = {
      rule: index,
      action: rule.action,
      firing: timer.fired,
      scheduledAt,
      ...(sla?.due !== undefined ? { due: sla.due } : {}),
      ...(sla?.department ? { department: sla.department } : {}),
      ...(rule.message ? { message: rule.message } : {}),
    };
    const taskInfo = exec?.task
      ? { task: exec.task.id, ...(exec.task.assignee ? { assignee: exec.task.assignee } : {}), candidateUsers: exec.task.candidateUsers, candidateGroups: exec.task.candidateGroups }
      : {};
    switch (rule.action) {
      case 'remind':
        if (sla) sla.reminders = (sla.reminders ?? 0) + 1;
        this.refreshHistory(exec);
        this.record('sla.reminder', node, Object.assign({}, base, taskInfo));
        this.emit('sla.reminder', node, Object.assign({}, base, taskInfo));
        return;
      case 'notify': {
        const targets = toList(this.valueOf(rule.target, scope));
        this.record('sla.notify', node, Object.assign({}, base, { targets }, taskInfo));
        this.emit('sla.notify', node, Object.assign({}, base, { targets }, taskInfo));
        return;
      }
      case 'reassign': {
        const value = this.valueOf(rule.target, scope);
        const targets = toList(value);
        const bad = targets.filter((t) => !/^(user|group):\S+$/.test(t));
        if (!targets.length || bad.length) {
          // A target that names nobody, or an id without its kind: refuse rather than leave the task with no one.
          const owner = node ? describeNode(node) : `process '${this.rt.definition.id}'`;
          const why = targets.length ? `${bad.map((t) => `'${t}'`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not group:<id> or user:<id>` : 'it names nobody';
          const message = `SLA rule sop:escalation[${index + 1}] (reassign) of ${owner}: target gave ${JSON.stringify(value ?? null)}; ${why}. The task's assignment was left as it was.`;
          this.record('sla.reassign', node, Object.assign({}, base, { targets, refused: message }, taskInfo));
          this.raiseIncident('assignment', timer.node, message, undefined, null);
          return;
        }
        this.record('sla.reassign', node, Object.assign({}, base, { targets }));
        if (exec?.task) {
          const users = targets.filter((t) => t.startsWith('user:')).map((t) => t.slice(5));
          const groups = targets.filter((t) => t.startsWith('group:')).map((t) => t.slice(6));
          this.reassign(exec, users.length === 1 ? users[0] : null, users.length > 1 ? users : [], groups, 'task.reassigned');
        }
        return;
      }
      case 'escalate':
        if (sla) sla.escalations = (sla.escalations ?? 0) + 1;
        this.refreshHistory(exec);
        this.record('sla.escalation', node, Object.assign({}, base, { code: rule.escalationCode }));
        this.throwEscalation(rule.escalationCode!, exec ? exec.scope : this.s.root, exec, node ?? (this.rt.node(timer.node) as NodeDef), {});
        return;
    }
  }

  private endSla(sla: SlaState, exec: Exec | undefined, _scope: string, cancelled = false): void {
    if (sla.due === undefined) return;
    const node = exec ? this.rt.node(exec.node) : undefined;
    if (cancelled) {
      this.record('sla.cancelled', node, { due: sla.due });
      return;
    }
    const overBy = this.now - sla.due;
    this.record(overBy > 0 ? 'sla.missed' : 'sla.met', node, {
      due: sla.due,
      finishedAt: this.now,
      ...(overBy > 0 ? { overByMs: overBy } : { marginMs: -overBy }),
      ...(sla.department ? { department: sla.department } : {}),
    });
  }
}

function scopeOf(work: Work): string | undefined {
  return work.t === 'enter' || work.t === 'leave' || work.t === 'resume' ? work.scope : undefined;
}
