import { chainEvents, GENESIS_HASH, verifyChain, type HashFn, type VerifyProblem } from '../audit/chain.js';
import { csvHeader, csvLine, jsonLine, UTF8_BOM, xesHead, xesTail, xesTrace } from '../audit/export.js';
import { defaultHash } from '../audit/defaultHash.js';
import type { Clock } from '../clock/Clock.js';
import { checkSla } from '../compile/checkSla.js';
import { compile } from '../compile/compile.js';
import type { ProcessDefinition } from '../compile/definition.js';
import { BpmnValidationError, ConcurrencyConflictError, InvalidStateError, JobLeaseLostError, NotFoundError, SopflowError, TaskNotAssignableError, type Problem } from '../errors.js';
import type { EngineEvent, EngineEventType, JobRow } from '../machine/effects.js';
import type { Actor, InstanceEvent } from '../machine/events.js';
import type { Incident, InstanceState, Variables } from '../machine/state.js';
import type { InstanceMachine } from '../machine/createInstanceMachine.js';
import type { StepLimits } from '../machine/TokenGame.js';
import type { FeelLimits } from '../feel/index.js';
import { parse, type ParseOptions } from '../parse/index.js';
import { onlyGroupings, type Report, type ReportQuery } from '../report/report.js';
import { emptyCommit, type ActivityQuery, type Commit, type AuditEvent, type AuditQuery, type InstanceQuery, type JobLease, type Page, type Store, type TaskQuery, type TaskRow, type TimerRow } from '../store/Store.js';
import { MemoryStore } from '../store/MemoryStore.js';
import { BusinessCalendar, durationToMillis, parseDuration, type CalendarSpec } from '../time/index.js';
import { Definitions } from './Definitions.js';
import { startTimerRow, Unit, type Command, type CommandResult } from './Unit.js';
import { checkVariables, DEFAULT_VARIABLE_LIMITS, type VariableLimits } from './variables.js';
import { checkAuthorized, type Authorize, type AuthorizeAction, type AuthorizeRequest } from './authorize.js';

/** A job as a handler or external worker sees it. */
export interface Job {
  id: string;
  type: string;
  instanceId: string;
  node: string;
  variables: Variables;
  retries: number;
  attempt: number;
  /** Same for every delivery of this attempt: use it to make the handler's effect idempotent. */
  idempotencyKey: string;
}

/** Runs a service-task job; returns variables for the process, throws to fail (retries) or throws {@link BpmnError}. */
export type JobHandler = (job: Job) => Promise<Variables | void> | Variables | void;

/** Thrown by a job handler to raise a BPMN error that boundary events or event sub-processes can catch. */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables: Variables = {},
  ) {
    super(message ?? code);
    this.name = 'BpmnError';
  }
}

export interface EngineLimits extends StepLimits {
  /** Follow-up steps one command may set off (signals, calls) in one commit. */
  maxCommandsPerUnit: number;
  /** Commit retries after an optimistic-lock conflict. */
  maxConflictRetries: number;
}

export interface EngineOptions {
  /** Where everything is kept; default: a new MemoryStore. */
  store?: Store;
  /** Where time comes from (VirtualClock in tests, WallClock in production). */
  clock: Clock;
  /** Service-task handlers by job type. */
  handlers?: Record<string, JobHandler>;
  /** Named business calendars for `sop:calendar`. */
  calendars?: Array<CalendarSpec | BusinessCalendar>;
  /** New instance ids; default: `crypto.randomUUID()`. */
  ids?: () => string;
  /** Audit hash (hex SHA-256 of a string); default: pure-JS SHA-256. */
  hash?: HashFn;
  /** Salt for hashing sensitive values in the audit trail. */
  auditSalt?: string;
  /** Groups of a user, for candidate-group checks when `by` is only a user id. */
  identity?: { groupsOf(userId: string): string[] | Promise<string[]> };
  /**
   * Asked before every command and read made through the API (start, cancel,
   * complete, correlate, read an instance or the audit trail…) with the
   * action, the actor and the subject; anything but `true` refuses the call
   * with ForbiddenError and nothing is done. Default: everything allowed.
   * See {@link AuthorizeRequest}.
   */
  authorize?: Authorize;
  /** This engine's name in job and timer leases. */
  workerId?: string;
  /** How long a worker holds a leased job or timer before another may take it. */
  leaseMs?: number;
  limits?: Partial<EngineLimits>;
  variableLimits?: Partial<VariableLimits>;
  parseLimits?: ParseOptions;
  /** Bounds on FEEL expressions and their evaluation (length, items, nesting, steps, result size). */
  feelLimits?: FeelLimits;
  /** Fire timers and run handlers automatically (default true). */
  scheduler?: boolean;
  /**
   * Handlers this engine runs at once (default 32). Due jobs beyond that stay
   * in the store, unleased, for this engine's next round or another worker.
   */
  jobConcurrency?: number;
  /** IANA zone for wall-clock day arithmetic, local date-times and cron without a calendar (default UTC). */
  timeZone?: string;
}

export interface DeployedProcess {
  id: string;
  name?: string;
  version: number;
  key: string;
  /** False when the same XML was already the latest version: nothing new was stored. */
  created: boolean;
}

export interface DeployResult {
  processes: DeployedProcess[];
  warnings: Problem[];
}

export interface ActivityView {
  id: string;
  node: string;
  name?: string;
  kind: string;
  startedAt: number;
  task?: string;
  job?: string;
  due?: number;
  incident?: string;
}

export interface InstanceView {
  id: string;
  processId: string;
  version: number;
  definition: string;
  businessKey?: string;
  status: InstanceState['status'];
  startedAt: number;
  endedAt?: number;
  parentId?: string;
  variables: Variables;
  activities: ActivityView[];
  incidents: Incident[];
  timers: Array<{ id: string; node: string; due: number; kind: string }>;
  sla?: { due?: number };
}

export type By = string | Actor;

type Listener = (event: EngineEvent) => void;

const DEFAULT_LIMITS: EngineLimits = {
  maxCallDepth: 64,
  maxWorkPerStep: 1_000_000,
  maxCommandsPerUnit: 10_000,
  maxConflictRetries: 8,
};

/**
 * The sopflow engine: deploy BPMN, start instances, complete tasks,
 * correlate messages, fire timers and jobs, read the audit trail. Every
 * state change is one store commit. Time, ids, store and handlers are
 * injected; the engine reads no clock of its own.
 */
const noop = (): void => {};

export class Engine {
  readonly store: Store;
  readonly clock: Clock;
  private readonly definitions: Definitions;
  private readonly calendars = new Map<string, BusinessCalendar>();
  private readonly handlers: Record<string, JobHandler>;
  private readonly hash: HashFn;
  private readonly newId: () => string;
  private readonly limits: EngineLimits;
  private readonly variableLimits: VariableLimits;
  private readonly workerId: string;
  private readonly leaseMs: number;
  private readonly listeners = new Map<string, Set<Listener>>();
  private serialTail: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly runningJobs = new Set<string>();
  private racingHandlers = 0;
  /** The latest instant the engine has seen: its time never goes back, whatever the clock does (see {@link now}). */
  private lastNow = -Infinity;
  /** A clock moved by the caller (VirtualClock): a handler racing its sop:timeout waits on that caller. */
  private readonly drivenClock: boolean;
  /** idle() loops waiting for work; a handler that starts racing its timeout wakes them to re-check. */
  private readonly nudges = new Set<() => void>();
  private wake: { at: number; cancel: () => void } | undefined;
  private kickQueued = false;
  /** Scheduler rounds that failed in a row (store down or full): the next retry waits 1 s × 2^n of engine time, at most a lease. */
  private failedRounds = 0;
  private closed = false;
  private readonly stopIdleWaiter: (() => void) | undefined;
  private readonly stopWatching: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {
    this.store = options.store ?? new MemoryStore();
    this.clock = options.clock;
    this.handlers = { ...(options.handlers ?? {}) };
    this.hash = options.hash ?? defaultHash();
    this.newId = options.ids ?? (() => globalThis.crypto.randomUUID());
    this.limits = { ...DEFAULT_LIMITS, ...(options.limits ?? {}) };
    this.variableLimits = { ...DEFAULT_VARIABLE_LIMITS, ...(options.variableLimits ?? {}) };
    this.workerId = options.workerId ?? `engine-${this.newId()}`;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    for (const calendar of options.calendars ?? []) this.registerCalendar(calendar);
    this.definitions = new Definitions(this.store, (name) => this.calendars.get(name), this.limits, options.timeZone ?? 'UTC', options.feelLimits);
    const clock = this.clock as Clock & { addIdleWaiter?: (fn: () => Promise<void>) => () => void };
    this.stopIdleWaiter = clock.addIdleWaiter?.(() => this.settle(true));
    this.drivenClock = this.stopIdleWaiter !== undefined;
    // Another worker's commit may bring an earlier timer or a new job: re-arm.
    this.stopWatching = options.scheduler === false ? undefined : this.store.watch?.(() => this.kick());
    if (options.scheduler !== false) this.kick();
  }

  // ================================================================ configuration

  /** Registers (or replaces) a business calendar. */
  registerCalendar(calendar: CalendarSpec | BusinessCalendar): BusinessCalendar {
    const built = calendar instanceof BusinessCalendar ? calendar : BusinessCalendar.from(calendar);
    this.calendars.set(built.name, built);
    return built;
  }

  calendar(name: string): BusinessCalendar | undefined {
    return this.calendars.get(name);
  }

  /** Registers a service-task handler for a job type. */
  registerHandler(type: string, handler: JobHandler): void {
    this.handlers[type] = handler;
    this.kick();
  }

  /** Listens to engine events (`task.created`, `sla.reminder`, …, or `*`). Returns an unsubscribe function. */
  on(type: EngineEventType | '*', listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  // ================================================================ deploy

  /**
   * Parses, validates and stores a BPMN document. Each executable process
   * gets a new version unless its XML is unchanged; running instances keep
   * their version.
   * @throws BpmnParseError, UnsupportedElementError, BpmnValidationError
   */
  async deploy(xml: string | Uint8Array, options: { by?: string } = {}): Promise<DeployResult> {
    const parsed = await parse(xml, this.options.parseLimits);
    const { processes, warnings } = compile(parsed.definitions, { locate: parsed.locate, feelLimits: this.options.feelLimits });
    const slaProblems = processes.flatMap((p) =>
      checkSla(p, { calendar: (name) => this.calendars.get(name), calendarNames: [...this.calendars.keys()], locate: parsed.locate }),
    );
    const slaErrors = slaProblems.filter((p) => p.severity === 'error');
    if (slaErrors.length) throw new BpmnValidationError(slaErrors);
    warnings.push(...slaProblems);
    const actor = await this.actor(options.by ?? 'system');
    for (const p of processes) await checkAuthorized(this.options.authorize, { action: 'process.deploy', actor, processId: p.id });
    const checksum = this.hash(parsed.xml);
    // Another worker deploying the same process at the same moment makes our commit conflict: look again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deployOnce(processes, warnings, parsed, checksum, options);
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError) || attempt >= this.limits.maxConflictRetries) throw error;
      }
    }
  }

  private deployOnce(
    processes: ProcessDefinition[],
    warnings: Problem[],
    parsed: Awaited<ReturnType<typeof parse>>,
    checksum: string,
    options: { by?: string },
  ): Promise<DeployResult> {
    return this.serial(async () => {
      const now = this.now();
      const commit = emptyCommit();
      const result: DeployedProcess[] = [];
      for (const compiled of processes) {
        const latest = await this.store.latestDeployment(compiled.id);
        if (latest && latest.checksum === checksum) {
          result.push({ id: compiled.id, ...(compiled.name ? { name: compiled.name } : {}), version: latest.version, key: latest.key, created: false });
          continue;
        }
        const version = (latest?.version ?? 0) + 1;
        const definition: ProcessDefinition = { ...compiled, version, key: `${compiled.id}:${version}` };
        Definitions.check(definition, this.options.feelLimits);
        const record = {
          key: definition.key,
          processId: definition.id,
          version,
          ...(definition.name ? { name: definition.name } : {}),
          deployedAt: now,
          xml: parsed.xml,
          checksum,
          definition,
        };
        commit.deployments.push(record);
        // Not cached until the commit succeeds: a failed or lost commit must not leave its version behind.
        const deployed = Definitions.build(record, this.definitions);
        // Start events of the previous version stop; this version's start.
        if (latest) {
          for (const id of latest.definition.scopes[latest.processId].triggeredStarts) {
            commit.startSubscriptions.remove.push(`start:${latest.processId}:${id}`);
            commit.timers.remove.push(`start:${latest.key}:${id}`);
          }
        }
        for (const id of definition.scopes[definition.id].triggeredStarts) {
          const node = definition.nodes[id];
          const kind = node.event?.kind;
          if (kind === 'message' || kind === 'signal') {
            commit.startSubscriptions.upsert.push({
              id: `start:${definition.id}:${id}`,
              kind,
              name: (kind === 'message' ? node.event!.messageName : node.event!.signalName)!,
              processId: definition.id,
              definition: definition.key,
              node: id,
            });
          } else if (kind === 'timer') {
            const row = startTimerRow(deployed, id, now);
            if (row) commit.timers.upsert.push(row);
          }
        }
        const chainId = `process:${definition.id}`;
        const last = (await this.store.queryAudit({ instanceId: chainId, order: 'desc', limit: 1 })).items[0];
        commit.audit.push(
          ...chainEvents(
            [{ type: 'deployment.created', time: now, actor: options.by ?? 'system', data: { key: definition.key, version, checksum, ...(latest ? { previous: latest.key } : {}) } }],
            { instanceId: chainId, processId: definition.id, version, seq: last?.seq ?? 0, prevHash: last?.hash ?? GENESIS_HASH },
            this.hash,
          ),
        );
        result.push({ id: definition.id, ...(definition.name ? { name: definition.name } : {}), version, key: definition.key, created: true });
      }
      await this.store.commit(commit);
      this.kick();
      return { processes: result, warnings: [...parsed.warnings, ...warnings] };
    });
  }

  /** The generated xstate machine of a deployed process (latest version unless given). */
  async machineFor(processId: string, version?: number): Promise<InstanceMachine> {
    return (await this.definitions.byProcessId(processId, version)).machine;
  }

  /** The compiled definition of a deployed process (latest version unless given). */
  async definition(processId: string, version?: number): Promise<ProcessDefinition> {
    return (await this.definitions.byProcessId(processId, version)).record.definition;
  }

  // ================================================================ instances

  /** Starts an instance at the process's none start event (or `startNode`). */
  async start(
    processId: string,
    options: { variables?: Variables; businessKey?: string; version?: number; by?: string; startNode?: string; id?: string } = {},
  ): Promise<InstanceView> {
    if (options.businessKey !== undefined && typeof options.businessKey !== 'string') {
      throw new SopflowError('input.invalid', `start(${processId}): businessKey must be a string, got ${typeof options.businessKey}.`, { processId, option: 'businessKey' });
    }
    const variables = checkVariables(options.variables, `start(${processId})`, this.variableLimits);
    await this.allow('instance.start', options.by, { processId, ...(options.businessKey !== undefined ? { businessKey: options.businessKey } : {}), variables });
    const deployed = await this.definitions.byProcessId(processId, options.version);
    const [result] = await this.execute([
      {
        kind: 'start',
        definition: deployed.record.key,
        input: {
          actor: options.by ?? 'system',
          variables,
          ...(options.businessKey !== undefined ? { businessKey: options.businessKey } : {}),
          ...(options.startNode ? { startNode: options.startNode } : {}),
          ...(options.id ? { id: options.id } : {}),
        },
      },
    ]);
    return this.view(result.instanceId!);
  }

  /** The instance's current state: variables, active activities, incidents, timers. `by`: who reads (authorized as `instance.read`). */
  async instance(id: string, options: { by?: By } = {}): Promise<InstanceView> {
    await this.allowOnInstance('instance.read', options.by, id);
    return this.view(id);
  }

  private async view(id: string): Promise<InstanceView> {
    const record = await this.store.getInstance(id);
    if (!record) throw new NotFoundError('instance', id);
    const state = record.state;
    const deployed = await this.definitions.byDefinitionKey(record.definition);
    const activities: ActivityView[] = Object.values(state.execs).map((exec) => {
      const node = deployed.runtime.node(exec.node);
      return {
        id: exec.id,
        node: exec.node,
        ...(node?.name ? { name: node.name } : {}),
        kind: exec.kind,
        startedAt: exec.startedAt,
        ...(exec.task ? { task: exec.task.id } : {}),
        ...(exec.job ? { job: exec.job.id } : {}),
        ...(exec.sla?.due !== undefined ? { due: exec.sla.due } : {}),
        ...(exec.incident ? { incident: exec.incident } : {}),
      };
    });
    return {
      id: record.id,
      processId: record.processId,
      version: record.version,
      definition: record.definition,
      ...(record.businessKey !== undefined ? { businessKey: record.businessKey } : {}),
      status: record.status,
      startedAt: record.startedAt,
      ...(record.endedAt !== undefined ? { endedAt: record.endedAt } : {}),
      ...(record.parentId ? { parentId: record.parentId } : {}),
      variables: state.scopes[state.root]?.vars ?? {},
      activities,
      incidents: Object.values(state.incidents),
      timers: Object.values(state.timers).map((t) => ({ id: t.id, node: t.node, due: t.due, kind: t.role })),
      ...(state.sla ? { sla: { ...(state.sla.due !== undefined ? { due: state.sla.due } : {}) } } : {}),
    };
  }

  /** Instances (without state) by process, definition, business key, status, parent, incidents; paged. */
  async instances(query: InstanceQuery = {}, options: { by?: By } = {}) {
    await this.allow('instance.list', options.by, query.processId !== undefined ? { processId: query.processId } : {});
    return this.store.findInstances(query);
  }

  /** Cancels a running instance (and the instances it called). */
  async cancel(instanceId: string, options: { reason?: string; by?: By } = {}): Promise<void> {
    const actor = await this.allowOnInstance('instance.cancel', options.by, instanceId);
    await this.execute([{ kind: 'event', instanceId, event: { type: 'cancel', at: this.now(), actor, ...(options.reason ? { reason: options.reason } : {}) } }]);
  }

  /** Sets process-level variables of a running instance. */
  async setVariables(instanceId: string, variables: Variables, options: { by?: By } = {}): Promise<void> {
    const vars = checkVariables(variables, `setVariables(${instanceId})`, this.variableLimits);
    const actor = await this.allowOnInstance('instance.setVariables', options.by, instanceId, { variables: vars });
    await this.execute([{ kind: 'event', instanceId, event: { type: 'variables.set', at: this.now(), actor, variables: vars } }]);
  }

  /** Resolves an incident: the token tries again (a failed job gets new retries). */
  async resolveIncident(instanceId: string, incidentId: string, options: { variables?: Variables; by?: By } = {}): Promise<void> {
    const vars = checkVariables(options.variables, `resolveIncident(${incidentId})`, this.variableLimits);
    const actor = await this.allowOnInstance('incident.resolve', options.by, instanceId, { variables: vars });
    await this.execute([{ kind: 'event', instanceId, event: { type: 'incident.resolve', at: this.now(), actor, incidentId, variables: vars } }]);
  }

  // ================================================================ tasks

  /** Open tasks by instance, process, business key, node, assignee, candidates, overdue; paged. */
  async tasks(query: TaskQuery = {}, options: { by?: By } = {}): Promise<Page<TaskRow>> {
    await this.allow('task.list', options.by, {
      ...(query.processId !== undefined ? { processId: query.processId } : {}),
      ...(query.instanceId !== undefined ? { instanceId: query.instanceId } : {}),
    });
    return this.store.findTasks(query);
  }

  /** One open task. @throws NotFoundError once it is completed */
  async task(taskId: string, options: { by?: By } = {}): Promise<TaskRow> {
    const task = await this.openTask(taskId);
    await this.allow('task.read', options.by, taskSubject(task));
    return task;
  }

  private async openTask(taskId: string): Promise<TaskRow> {
    const task = await this.store.getTask(taskId);
    if (!task) throw new NotFoundError('task', taskId, 'it does not exist or is no longer open');
    return task;
  }

  /** Claims a task for `user` (who must be a candidate). `by` defaults to the user. */
  async claim(taskId: string, user: string, options: { by?: By } = {}): Promise<void> {
    const task = await this.openTask(taskId);
    const actor = await this.allow('task.claim', options.by ?? user, taskSubject(task));
    await this.execute([{ kind: 'event', instanceId: task.instanceId, event: { type: 'task.claim', at: this.now(), actor, taskId, user } }]);
  }

  async unclaim(taskId: string, options: { by: By }): Promise<void> {
    const task = await this.openTask(taskId);
    const actor = await this.allow('task.claim', options.by, taskSubject(task));
    await this.execute([{ kind: 'event', instanceId: task.instanceId, event: { type: 'task.claim', at: this.now(), actor, taskId, user: null } }]);
  }

  /** Reassigns a task (a supervisor's or an SLA rule's move), recorded in the audit trail. */
  async assign(taskId: string, to: { assignee?: string | null; candidateUsers?: string[]; candidateGroups?: string[] }, options: { by: By }): Promise<void> {
    const task = await this.openTask(taskId);
    const actor = await this.allow('task.assign', options.by, taskSubject(task));
    await this.execute([{ kind: 'event', instanceId: task.instanceId, event: { type: 'task.assign', at: this.now(), actor, taskId, ...to } }]);
  }

  /**
   * Completes a task as `by` (a user id, or `{ id, groups }`). Refused with
   * TaskNotAssignableError unless `by` is its assignee or a candidate.
   */
  async complete(taskId: string, options: { by: By; variables?: Variables }): Promise<void> {
    // no `by` would act as 'system', which may complete any task: say so instead
    if (options?.by === undefined || options.by === null) {
      throw new TaskNotAssignableError(`complete(${taskId}): say who completes the task (options.by: a user id, { id, groups } or 'system'); nobody was given.`, { taskId, user: undefined });
    }
    const variables = checkVariables(options.variables, `complete(${taskId})`, this.variableLimits);
    const task = await this.openTask(taskId);
    const actor = await this.allow('task.complete', options.by, { ...taskSubject(task), variables });
    await this.execute([{ kind: 'event', instanceId: task.instanceId, event: { type: 'task.complete', at: this.now(), actor, taskId, variables } }]);
  }

  // ================================================================ messages and signals

  /**
   * Delivers a message to every instance waiting for it with this correlation
   * key (each once); if none waits, starts the processes with a matching
   * message start event (the key becomes the business key).
   * @throws MessageCorrelationError when nothing matched
   */
  async correlate(
    message: string,
    options: { key?: string | null; variables?: Variables; businessKey?: string; by?: By } = {},
  ): Promise<{ correlated: string[]; started: string[] }> {
    const variables = checkVariables(options.variables, `correlate(${message})`, this.variableLimits);
    const actor = await this.allow('message.correlate', options.by, {
      message,
      ...(options.key !== undefined ? { correlationKey: options.key } : {}),
      ...(options.businessKey !== undefined ? { businessKey: options.businessKey } : {}),
      variables,
    });
    const [result] = await this.execute([
      {
        kind: 'correlate',
        name: message,
        ...(options.key !== undefined ? { key: options.key } : {}),
        variables,
        ...(options.businessKey !== undefined ? { businessKey: options.businessKey } : {}),
        actor,
      },
    ]);
    return { correlated: result.correlated ?? [], started: result.started ?? [] };
  }

  /** Broadcasts a signal to every waiting catch and signal start event. */
  async signal(name: string, options: { variables?: Variables; by?: By } = {}): Promise<void> {
    const variables = checkVariables(options.variables, `signal(${name})`, this.variableLimits);
    const actor = await this.allow('signal.broadcast', options.by, { signal: name, variables });
    await this.execute([{ kind: 'signal', name, variables, actor }]);
  }

  // ================================================================ jobs (external workers)

  readonly jobs = {
    /** Leases up to `max` due jobs of these types to an external worker. */
    fetchAndLock: async (options: { types: string[]; workerId: string; max?: number; lockMs?: number }): Promise<Job[]> => {
      const rows = await this.store.acquireJobs({
        now: this.now(),
        workerId: options.workerId,
        leaseMs: options.lockMs ?? this.leaseMs,
        limit: options.max ?? 10,
        types: options.types,
      });
      return rows.map(toJob);
    },
    /**
     * Reports a job done. With `workerId` the report is fenced by the lease:
     * the job must be leased to that worker (and at `attempt`, when given —
     * pass the {@link Job}'s) when this is called and still when the step
     * commits; a worker whose lease ran out and was taken by another, or
     * whose attempt was failed and retried meanwhile, is refused with
     * JobLeaseLostError and nothing is applied. Without `workerId` (an
     * operator, not a worker) no lease is checked.
     * @throws NotFoundError when the job is gone, JobLeaseLostError, VariableError
     */
    complete: async (jobId: string, options: { variables?: Variables; workerId?: string; attempt?: number } = {}) => {
      const variables = checkVariables(options.variables, `job.complete(${jobId})`, this.variableLimits);
      const { job, leases } = await this.leasedJob(jobId, options);
      await this.execute([{ kind: 'event', instanceId: job.instanceId, event: { type: 'job.complete', at: this.now(), jobId, variables } }], leases);
    },
    /**
     * Reports a failed attempt (retried after a backoff until the retries run
     * out, then an incident). Fenced like {@link complete}.
     * @throws NotFoundError, JobLeaseLostError
     */
    fail: async (jobId: string, options: { error: string; retries?: number; retryInMs?: number; workerId?: string; attempt?: number }) => {
      const { job, leases } = await this.leasedJob(jobId, options);
      const now = this.now();
      await this.execute(
        [
          {
            kind: 'event',
            instanceId: job.instanceId,
            event: {
              type: 'job.fail',
              at: now,
              jobId,
              error: options.error,
              ...(options.retries !== undefined ? { retries: options.retries } : {}),
              ...(options.retryInMs !== undefined ? { retryAt: now + options.retryInMs } : {}),
            },
          },
        ],
        leases,
      );
    },
    /**
     * Raises a BPMN error from the job (caught by an error boundary or event
     * sub-process). Fenced like {@link complete}.
     * @throws NotFoundError, JobLeaseLostError, VariableError
     */
    throwError: async (jobId: string, options: { code: string; message?: string; variables?: Variables; workerId?: string; attempt?: number }) => {
      const variables = checkVariables(options.variables, `job.throwError(${jobId})`, this.variableLimits);
      const { job, leases } = await this.leasedJob(jobId, options);
      await this.execute(
        [{ kind: 'event', instanceId: job.instanceId, event: { type: 'job.error', at: this.now(), jobId, code: options.code, ...(options.message ? { message: options.message } : {}), variables } }],
        leases,
      );
    },
  };

  /**
   * The job a worker reports on, and the lease its commit is fenced by (none
   * without a `workerId`). Checked here for a clear error at once, and again
   * by the store inside the commit, where no other worker can take the job
   * in between.
   */
  private async leasedJob(jobId: string, options: { workerId?: string; attempt?: number }): Promise<{ job: JobRow; leases: JobLease[] }> {
    const job = await this.store.getJob(jobId);
    if (!job) throw new NotFoundError('job', jobId, 'it does not exist or is finished');
    if (options.workerId === undefined) return { job, leases: [] };
    const lease: JobLease = { jobId, workerId: options.workerId, attempt: options.attempt ?? job.attempt };
    if (job.lockedBy !== lease.workerId || job.attempt !== lease.attempt) throw new JobLeaseLostError(lease, { lockedBy: job.lockedBy ?? null, attempt: job.attempt });
    return { job, leases: [lease] };
  }

  // ================================================================ audit

  readonly audit = {
    /** Audit events by instance, business key, process, node, actor, type, time range; paged. */
    query: async (query: AuditQuery, options: { by?: By } = {}): Promise<Page<AuditEvent>> => {
      await this.allowAudit(options.by, query);
      return this.store.queryAudit(query);
    },
    /**
     * Verifies the hash chain of one instance (or every instance, and every
     * process's deployment chain `process:<id>`): finds any edited, deleted,
     * reordered or truncated event and names the first.
     */
    verify: async (instanceId?: string, options: { by?: By } = {}): Promise<{ ok: boolean; checked: number; problems: VerifyProblem[] }> => {
      await this.allowAudit(options.by, instanceId !== undefined ? { instanceId } : {});
      const ids: Array<{ id: string; last?: { seq: number; hash: string } }> = [];
      if (instanceId !== undefined) {
        const record = await this.store.getInstance(instanceId);
        ids.push({ id: instanceId, ...(record ? { last: { seq: record.auditSeq, hash: record.auditHash } } : {}) });
      } else {
        for (let offset = 0; ; offset += 500) {
          const page = await this.store.findInstances({ offset, limit: 500 });
          for (const r of page.items) ids.push({ id: r.id, last: { seq: r.auditSeq, hash: r.auditHash } });
          if (page.items.length < 500) break;
        }
      }
      const problems: VerifyProblem[] = [];
      for (const { id, last } of ids) {
        const problem = verifyChain(await this.store.auditTrail(id), this.hash, last);
        if (problem) problems.push(problem);
      }
      let checked = ids.length;
      if (instanceId === undefined) {
        // Deployment chains: one deployment.created per stored version; no record holds their last hash, so a cut is seen by the count.
        const versions = new Map<string, number>();
        for (const d of await this.store.listDeployments()) versions.set(d.processId, (versions.get(d.processId) ?? 0) + 1);
        for (const [processId, count] of [...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const chainId = `process:${processId}`;
          const events = await this.store.auditTrail(chainId);
          const problem =
            verifyChain(events, this.hash) ??
            (events.length !== count
              ? { instanceId: chainId, seq: Math.min(events.length + 1, count), kind: 'truncated' as const, message: `${count} versions are deployed but ${events.length} deployment events are stored: the trail was truncated after #${events.length}.` }
              : undefined);
          if (problem) problems.push(problem);
          checked++;
        }
      }
      return { ok: problems.length === 0, checked, problems };
    },
  };

  // ================================================================ exports

  readonly export = {
    /**
     * The audit trail as JSON Lines or CSV (UTF-8 with BOM, for spreadsheet
     * tools), streamed page by page: never the whole trail in memory.
     */
    audit: (options: { format: 'jsonl' | 'csv'; query?: AuditQuery; bom?: boolean; by?: By }): AsyncIterable<string> => {
      const store = this.store;
      const allowed = () => this.allowAudit(options.by, options.query ?? {});
      return (async function* () {
        await allowed();
        if (options.format === 'csv') yield `${options.bom === false ? '' : UTF8_BOM}${csvHeader()}\r\n`;
        const pageSize = 1000;
        for (let offset = 0; ; offset += pageSize) {
          const { items } = await store.queryAudit({ order: 'asc', ...options.query, offset, limit: pageSize });
          for (const event of items) yield options.format === 'csv' ? `${csvLine(event)}\r\n` : `${jsonLine(event)}\n`;
          if (items.length < pageSize) return;
        }
      })();
    },
    /**
     * A process-mining log in XES (IEEE 1849-2016): a trace per instance
     * started in the period, a start and complete event per activity
     * execution, resource = who worked on it.
     */
    xes: (query: { processId?: string; from?: number; to?: number; by?: By } = {}): AsyncIterable<string> => {
      const store = this.store;
      const allowed = () => this.allowAudit(query.by, query.processId !== undefined ? { processId: query.processId } : {});
      return (async function* () {
        await allowed();
        yield xesHead();
        const pageSize = 200;
        for (let offset = 0; ; offset += pageSize) {
          const { items } = await store.findInstances({ ...(query.processId ? { processId: query.processId } : {}), offset, limit: pageSize });
          for (const instance of items) {
            if ((query.from !== undefined && instance.startedAt < query.from) || (query.to !== undefined && instance.startedAt >= query.to)) continue;
            const records = (await store.findActivities({ instanceId: instance.id, limit: 1_000_000 })).items;
            yield xesTrace(instance.id, instance.processId, instance.businessKey, records);
          }
          if (items.length < pageSize) break;
        }
        yield xesTail();
      })();
    },
  };

  // ================================================================ reports

  /**
   * KPI report: per process, node and department, for a period. Computed by
   * the store. A period without `to`, or ending after the engine's now, ends
   * now: open activities are overdue when past due now, not when they have a
   * due time at all.
   */
  async report(query: ReportQuery = {}, options: { by?: By } = {}): Promise<Report> {
    await this.allow('report.read', options.by, query.processId !== undefined ? { processId: query.processId } : {});
    const { groupBy } = query;
    if (groupBy !== undefined && (!Array.isArray(groupBy) || groupBy.some((g) => !['process', 'node', 'department'].includes(g)))) {
      throw new SopflowError('input.invalid', `report(): groupBy takes 'process', 'node' and 'department'; got ${JSON.stringify(query.groupBy)}.`, { option: 'groupBy' });
    }
    const now = this.now();
    if (query.to !== undefined && query.to <= now) return onlyGroupings(await this.store.report(query), query.groupBy);
    // [from, now]: nothing has happened after now, so only the open activities' judgement changes.
    return onlyGroupings({ ...(await this.store.report({ ...query, to: now + 1 })), query }, query.groupBy);
  }

  /** Activity executions (history rows); authorized as `audit.read`. */
  async activities(query: ActivityQuery = {}, options: { by?: By } = {}) {
    await this.allowAudit(options.by, query);
    return this.store.findActivities(query);
  }

  // ================================================================ running

  /** Resolves when no handler is running and nothing is queued (virtual-time tests await it). */
  async idle(): Promise<void> {
    await this.settle(false);
  }

  /**
   * What a clock moved by the caller (VirtualClock) waits for before it moves
   * on: like idle(), except that a handler racing its `sop:timeout` that is
   * still running once everything else has settled counts as waiting, since
   * only moving the clock can end it.
   */
  private async settle(exceptRacing: boolean): Promise<void> {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      await this.serialTail.catch(noop);
      if (this.kickQueued) await Promise.resolve();
      const waiting = () => (exceptRacing ? this.racingHandlers : 0);
      const settled = () => this.inflight.size <= waiting() && !this.kickQueued;
      if (settled()) {
        // A racing handler that answers at once (a resolved promise, a chain of them) gets the turns to do it.
        for (let turn = 0; turn < 32 && waiting() > 0; turn++) await Promise.resolve();
        await this.serialTail.catch(noop);
        if (settled()) return;
      }
      // While a handler races the clock, "all settled" may never come: re-check as each piece of work settles.
      const pending = waiting() > 0 ? [...this.inflight].map((p) => p.then(noop, noop)) : [Promise.allSettled([...this.inflight])];
      let nudge: () => void = noop;
      const nudged = new Promise<void>((resolve) => this.nudges.add((nudge = resolve)));
      await Promise.race([...pending, nudged]);
      this.nudges.delete(nudge);
    }
  }

  /** Stops the scheduler; the store stays open (close it yourself). */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.cancel();
    this.wake = undefined;
    this.stopIdleWaiter?.();
    this.stopWatching?.();
    // A handler hanging under a VirtualClock must not keep close() from returning.
    await this.settle(this.drivenClock);
  }

  private async actor(by: By): Promise<Actor> {
    if (typeof by !== 'string') {
      const groups = (by as Actor | null)?.groups;
      if (typeof by?.id !== 'string' || by.id === '' || (groups !== undefined && !(Array.isArray(groups) && groups.every((g) => typeof g === 'string')))) {
        throw new SopflowError('actor.invalid', `'by' must be a user id or { id, groups? } with a non-empty id and a list of group names; got ${JSON.stringify(by) ?? String(by)}.`, { by: String(JSON.stringify(by)) });
      }
      return by;
    }
    if (by === '') throw new SopflowError('actor.invalid', "'by' must be a non-empty user id (or 'system').", { by });
    if (by === 'system' || !this.options.identity) return { id: by };
    return { id: by, groups: await this.options.identity.groupsOf(by) };
  }

  /** Resolves the actor and asks the `authorize` hook. @throws ForbiddenError */
  private async allow(action: AuthorizeAction, by: By | undefined, about: Omit<AuthorizeRequest, 'action' | 'actor'> = {}): Promise<Actor> {
    const actor = await this.actor(by ?? 'system');
    await checkAuthorized(this.options.authorize, { action, actor, ...about });
    return actor;
  }

  /** {@link allow} for an action on one instance: the hook also learns its process and business key. */
  private async allowOnInstance(action: AuthorizeAction, by: By | undefined, instanceId: string, about: Omit<AuthorizeRequest, 'action' | 'actor'> = {}): Promise<Actor> {
    if (!this.options.authorize) return this.actor(by ?? 'system');
    const record = await this.store.getInstance(instanceId);
    return this.allow(action, by, {
      instanceId,
      ...(record ? { processId: record.processId } : {}),
      ...(record?.businessKey !== undefined ? { businessKey: record.businessKey } : {}),
      ...about,
    });
  }

  /** `audit.read` over a query: the process is the query's, or the instance's (`process:<id>` chains: that process). */
  private async allowAudit(by: By | undefined, query: { instanceId?: string; processId?: string }): Promise<void> {
    if (!this.options.authorize) return;
    if (query.instanceId !== undefined && query.processId === undefined) {
      const chain = /^process:(.+)$/.exec(query.instanceId);
      if (chain) await this.allow('audit.read', by, { instanceId: query.instanceId, processId: chain[1] });
      else await this.allowOnInstance('audit.read', by, query.instanceId);
      return;
    }
    await this.allow('audit.read', by, {
      ...(query.processId !== undefined ? { processId: query.processId } : {}),
      ...(query.instanceId !== undefined ? { instanceId: query.instanceId } : {}),
    });
  }

  /**
   * The engine's time: the clock's, but never earlier than an instant the
   * engine has already used. A wall clock stepped back (NTP) holds the
   * engine's time still until it catches up, so no step is stamped before
   * the one it follows and no duration comes out negative. Relative waits
   * (handler timeouts, retry backoff) are set on the clock itself.
   */
  private now(): number {
    const time = this.clock.now();
    if (time > this.lastNow) this.lastNow = time;
    return this.lastNow;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serialTail.then(fn, fn);
    this.serialTail = run.catch(() => {});
    return run;
  }

  /**
   * Runs commands as one unit of work and commits it; retried on an
   * optimistic-lock conflict. `leases`: the job leases the commit is fenced
   * by (a worker's report), checked by the store at every try.
   */
  private execute(commands: Command[], leases: JobLease[] = [], conflictRetries = this.limits.maxConflictRetries): Promise<CommandResult[]> {
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const unit = new Unit({
          store: this.store,
          definitions: this.definitions,
          hash: this.hash,
          salt: this.options.auditSalt ?? '',
          newId: this.newId,
          now: this.now(),
          maxCommands: this.limits.maxCommandsPerUnit,
        });
        await unit.run(commands);
        if (leases.length) unit.commit.jobLeases = leases;
        try {
          await this.store.commit(unit.commit);
        } catch (error) {
          if (error instanceof ConcurrencyConflictError && attempt < conflictRetries) continue;
          throw error;
        }
        this.publish(unit.events);
        // Only a commit that adds, moves or removes timers or jobs can change what is due next: the others leave the wake-up as it is.
        if (changesSchedule(unit.commit)) this.kick();
        return unit.results;
      }
    });
  }

  private publish(events: EngineEvent[]): void {
    for (const event of events) {
      for (const key of [event.type, '*']) {
        for (const listener of this.listeners.get(key) ?? []) {
          try {
            listener(event);
          } catch {
            // A listener's failure must not undo a committed step or stop the others.
          }
        }
      }
    }
  }

  // ================================================================ scheduler

  /** Re-arms the wake-up and runs due jobs, once per burst of commits. */
  private kick(): void {
    if (this.closed || this.options.scheduler === false || this.kickQueued) return;
    this.kickQueued = true;
    const work = (async () => {
      await Promise.resolve();
      this.kickQueued = false;
      try {
        await this.runDueJobs();
        await this.arm();
        this.failedRounds = 0;
      } catch (error) {
        this.retryLater();
        throw error;
      }
    })();
    this.track(work);
  }

  /**
   * After a failed scheduler round (the store is down or full), wakes up
   * again after a backoff — 1 s, 2 s, 4 s… of engine time, at most `leaseMs` —
   * unless a wake-up is already due sooner. Without it an engine with no other
   * traffic would never look at its timers again.
   */
  private retryLater(): void {
    if (this.closed || this.options.scheduler === false) return;
    const delay = Math.min(1000 * 2 ** Math.min(this.failedRounds, 30), this.leaseMs);
    this.failedRounds += 1;
    const at = this.clock.now() + delay;
    if (this.wake && this.wake.at <= at) return;
    this.wake?.cancel();
    this.wake = { at, cancel: this.clock.setTimer(at, () => this.onWake(at)) };
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error) => this.reportFailure(error)).finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
  }

  private reportFailure(error: unknown): void {
    // Background failures (a timer whose step failed) surface as events; the timer or job lease expires and it is retried.
    const message = error instanceof Error ? error.message : String(error);
    this.publish([{ type: 'engine.error', instanceId: '', processId: '', time: this.now(), data: { message, ...(error instanceof SopflowError ? { code: error.code } : {}) } }]);
  }

  private async arm(): Promise<void> {
    if (this.closed) return;
    const types = Object.keys(this.handlers);
    const [timerDue, jobDue] = await Promise.all([this.store.nextTimerDue(), types.length ? this.store.nextJobDue(types) : undefined]);
    const next = timerDue === undefined ? jobDue : jobDue === undefined ? timerDue : Math.min(timerDue, jobDue);
    if (next === undefined) {
      this.wake?.cancel();
      this.wake = undefined;
      return;
    }
    if (this.wake && this.wake.at === next) return;
    this.wake?.cancel();
    const at = next;
    this.wake = { at, cancel: this.clock.setTimer(at, () => this.onWake(at)) };
  }

  /** A wake-up: fire due timers, run due jobs, re-arm. Never rejects (a clock calls it): a failure is reported as `engine.error` and retried later. */
  private async onWake(at: number): Promise<void> {
    if (this.wake?.at === at) this.wake = undefined;
    if (this.closed) return;
    try {
      await this.fireDueTimers();
      await this.runDueJobs();
      // Re-armed before waiting: a handler that never answers must not stop the wake-ups (timers of other cases, lease renewals).
      await this.arm();
      // A clock moved by the caller (VirtualClock) waits for what this wake-up started before it moves on; a wall clock need not.
      if (this.drivenClock) await this.settle(true);
      this.failedRounds = 0;
    } catch (error) {
      this.reportFailure(error);
      this.retryLater();
    }
  }

  private async fireDueTimers(): Promise<void> {
    for (;;) {
      const timers = await this.store.acquireTimers({ now: this.now(), workerId: this.workerId, leaseMs: this.leaseMs, limit: 256 });
      if (timers.length === 0) return;
      // Timers due together fire in one unit of work: one commit, in due order.
      try {
        // Not retried as a whole: under load one of many instances has often moved; singles retry cheaply.
        await this.execute(timers.map((timer) => ({ kind: 'timer' as const, timer })), [], timers.length > 1 ? 0 : this.limits.maxConflictRetries);
        continue;
      } catch {
        // One of them failed: fire them one by one so the others still go through.
      }
      for (const timer of timers) {
        try {
          await this.execute([{ kind: 'timer', timer }]);
        } catch (error) {
          this.reportFailure(error);
        }
      }
    }
  }

  private async runDueJobs(): Promise<void> {
    const types = Object.keys(this.handlers);
    if (this.closed || types.length === 0) return;
    const concurrency = this.options.jobConcurrency ?? 32;
    for (;;) {
      // Lease only what this engine will run now: a job leased and left waiting here would block other workers until its lease ends.
      const room = concurrency - this.runningJobs.size;
      if (room <= 0) return;
      const rows = await this.store.acquireJobs({ now: this.now(), workerId: this.workerId, leaseMs: this.leaseMs, limit: Math.min(64, room), types });
      // A job whose lease ran out while its handler is still running here is ours already: no second run.
      const fresh = rows.filter((row) => !this.runningJobs.has(row.id));
      if (fresh.length === 0) return;
      for (const row of fresh) {
        this.runningJobs.add(row.id);
        this.track(
          this.runJob(row).finally(() => {
            this.runningJobs.delete(row.id);
            // Room for the next due job.
            this.kick();
          }),
        );
      }
    }
  }

  /** Races a handler against its `sop:timeout` on the engine's clock: a handler that hangs fails the job. */
  private async withTimeout<T>(row: JobRow, work: Promise<T> | T): Promise<T> {
    const timeout = (await this.definitions.byDefinitionKey(row.definition)).runtime.node(row.node)?.jobTimeout;
    if (!timeout) return work;
    const ms = durationToMillis(parseDuration(timeout));
    let cancel: (() => void) | undefined;
    const expired = new Promise<never>((_, reject) => {
      cancel = this.clock.setTimer(this.clock.now() + ms, () => reject(new Error(`handler '${row.type}' did not finish within ${timeout} (sop:timeout)`)));
    });
    this.racingHandlers += 1;
    for (const nudge of this.nudges) nudge();
    try {
      return await Promise.race([work, expired]);
    } finally {
      this.racingHandlers -= 1;
      cancel?.();
    }
  }

  /**
   * What a handler's throw means: a BPMN error (when its variables can be
   * stored), else a failed attempt — retried, an incident when no retries
   * are left. Pure apart from reading the clock.
   */
  private handlerFailure(row: JobRow, thrown: unknown): Extract<InstanceEvent, { type: 'job.error' | 'job.fail' }> {
    let error = thrown;
    if (error instanceof BpmnError) {
      try {
        const variables = checkVariables(error.variables, 'BpmnError variables', this.variableLimits);
        return { type: 'job.error', at: this.now(), jobId: row.id, code: error.code, message: error.message, variables };
      } catch (invalid) {
        // Fail the attempt, as for a bad result: thrown out of runJob, it left the job leased and ran it again at every lease expiry, forever.
        error = invalid;
      }
    }
    return { type: 'job.fail', at: this.now(), jobId: row.id, error: error instanceof Error ? error.message : String(error) };
  }

  private async runJob(row: JobRow): Promise<void> {
    const handler = this.handlers[row.type];
    const job = toJob(row);
    let event: Command;
    try {
      const result = await this.withTimeout(row, handler(job));
      const variables = checkVariables(result ?? {}, `handler '${row.type}' result`, this.variableLimits);
      event = { kind: 'event', instanceId: row.instanceId, event: { type: 'job.complete', at: this.now(), jobId: row.id, variables } };
    } catch (error) {
      event = { kind: 'event', instanceId: row.instanceId, event: this.handlerFailure(row, error) };
    }
    try {
      // Fenced by this engine's lease: if it ran out and another worker took the job, that worker's report counts.
      await this.execute([event], [{ jobId: row.id, workerId: this.workerId, attempt: row.attempt }]);
    } catch (error) {
      // The job was cancelled meanwhile (its activity interrupted) or its lease moved (JobLeaseLostError) — nothing to report back.
      if (!(error instanceof NotFoundError) && !(error instanceof InvalidStateError)) throw error;
    }
  }
}

/** Whether a commit touches the rows the scheduler waits on (timers, jobs). */
function changesSchedule(commit: Commit): boolean {
  return commit.timers.upsert.length + commit.timers.remove.length + commit.jobs.upsert.length + commit.jobs.remove.length > 0;
}

/** What the `authorize` hook learns about a task action. */
function taskSubject(task: TaskRow): Omit<AuthorizeRequest, 'action' | 'actor'> {
  return {
    taskId: task.id,
    instanceId: task.instanceId,
    processId: task.processId,
    node: task.node,
    ...(task.businessKey !== undefined ? { businessKey: task.businessKey } : {}),
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    instanceId: row.instanceId,
    node: row.node,
    variables: row.variables,
    retries: row.retries,
    attempt: row.attempt,
    idempotencyKey: row.idempotencyKey,
  };
}

/** Creates an engine. See {@link EngineOptions}. */
export function createEngine(options: EngineOptions): Engine {
  return new Engine(options);
}

export type { TimerRow };
