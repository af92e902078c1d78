/**
 * A simulation of one diagram on the real engine: `createEngine` with a
 * `MemoryStore` and a `VirtualClock`, the calendars of the calendars file,
 * and service-task jobs completed at once. Time moves only when told. No
 * DOM: the panel and the canvas overlays read it.
 */
import {
  BusinessCalendar,
  compile,
  createEngine,
  MemoryStore,
  parse,
  VirtualClock,
  type AuditEvent,
  type Engine,
  type EngineEvent,
  type InstanceView,
  type ProcessDefinition,
  type TaskRow,
  type Variables,
} from '@sopflow/engine';

/** A way to start a case: the process's none start event, or a message start event. */
export interface StartOption {
  processId: string;
  processName?: string;
  /** The start event's id. */
  node: string;
  nodeName?: string;
  kind: 'none' | 'message';
  /** For a message start: the message name to correlate. */
  message?: string;
}

/** Options of {@link Simulation.create}. */
export interface SimulationOptions {
  /** The diagram as XML. */
  xml: string;
  /** The calendars of the calendars file (for `sop:calendar` and the working-day button). */
  calendars?: BusinessCalendar[];
  /** Virtual time at the start, epoch ms. */
  start: number;
  /** Zone for wall-clock day arithmetic and local times (default UTC), as the engine's `timeZone`. */
  timeZone?: string;
}

/** The simulator's user: may complete any task (it acts as the task's assignee or a member of its groups). */
export const SIMULATOR = 'simulator';

/** Messages and signals the diagram waits for (start, catch and boundary events, receive tasks), sorted. Pure. */
export function catchNames(definitions: ProcessDefinition[]): { messages: string[]; signals: string[] } {
  const messages = new Set<string>();
  const signals = new Set<string>();
  const catching = new Set(['startEvent', 'intermediateCatchEvent', 'boundaryEvent', 'receiveTask']);
  for (const def of definitions) {
    for (const node of Object.values(def.nodes)) {
      if (!catching.has(node.type) || !node.event) continue;
      if (node.event.kind === 'message' && node.event.messageName) messages.add(node.event.messageName);
      if (node.event.kind === 'signal' && node.event.signalName) signals.add(node.event.signalName);
    }
  }
  return { messages: [...messages].sort(), signals: [...signals].sort() };
}

function startOptions(definitions: ProcessDefinition[]): StartOption[] {
  const options: StartOption[] = [];
  for (const def of definitions) {
    const scope = def.scopes[def.id];
    const base = { processId: def.id, ...(def.name ? { processName: def.name } : {}) };
    if (scope.noneStart) {
      const node = def.nodes[scope.noneStart];
      options.push({ ...base, node: node.id, ...(node.name ? { nodeName: node.name } : {}), kind: 'none' });
    }
    for (const id of scope.triggeredStarts) {
      const node = def.nodes[id];
      if (node.event?.kind === 'message' && node.event.messageName) {
        options.push({ ...base, node: id, ...(node.name ? { nodeName: node.name } : {}), kind: 'message', message: node.event.messageName });
      }
    }
  }
  return options;
}

/**
 * One simulation run. Create with {@link Simulation.create}; start a case,
 * complete its tasks, move time; read the instance, its open tasks and its
 * audit trail after each move.
 */
export class Simulation {
  /** Ways to start a case, in document order. */
  readonly starts: StartOption[];
  /** Messages and signals the diagram waits for, for the message and signal forms. */
  readonly messages: string[];
  readonly signals: string[];
  private instanceIds: string[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  private constructor(
    readonly engine: Engine,
    readonly clock: VirtualClock,
    readonly calendars: BusinessCalendar[],
    readonly definitions: ProcessDefinition[],
  ) {
    this.starts = startOptions(definitions);
    ({ messages: this.messages, signals: this.signals } = catchNames(definitions));
    engine.on('*', (event) => {
      // Every case is followed, also those a message or a signal started.
      if (event.type === 'instance.started' && !this.instanceIds.includes(event.instanceId)) this.instanceIds.push(event.instanceId);
      for (const listener of this.listeners) listener(event);
    });
  }

  /**
   * The ways to start a case of a diagram, without deploying it.
   * @throws the engine's parse and compile errors
   */
  static async startsOf(xml: string): Promise<StartOption[]> {
    const parsed = await parse(xml);
    return startOptions(compile(parsed.definitions, { locate: parsed.locate }).processes);
  }

  /**
   * Deploys the diagram on a fresh in-memory engine under virtual time.
   * Every job type of the diagram gets a handler that completes the job at
   * once with no variables.
   * @throws the engine's deploy errors (BpmnParseError, UnsupportedElementError, BpmnValidationError)
   */
  static async create(options: SimulationOptions): Promise<Simulation> {
    const parsed = await parse(options.xml);
    const { processes } = compile(parsed.definitions, { locate: parsed.locate });
    const handlers: Record<string, () => Variables> = {};
    for (const def of processes) for (const node of Object.values(def.nodes)) if (node.jobType) handlers[node.jobType] = () => ({});
    const clock = new VirtualClock(options.start);
    let n = 0;
    const calendars = options.calendars ?? [];
    const engine = createEngine({
      store: new MemoryStore(),
      clock,
      calendars,
      handlers,
      ids: () => `sim-${++n}`,
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    });
    await engine.deploy(options.xml, { by: SIMULATOR });
    return new Simulation(engine, clock, calendars, processes);
  }

  /** Listens to the engine's events (after each committed step). Returns an unsubscribe function. */
  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cases started so far, oldest first. */
  get instances(): readonly string[] {
    return this.instanceIds;
  }

  /**
   * Starts a case at a start option (default the first) with variables and
   * an optional business key (for a message start: the correlation key).
   * @returns the new instance's id
   */
  async start(options: { start?: StartOption; variables?: Variables; businessKey?: string } = {}): Promise<string> {
    const start = options.start ?? this.starts[0];
    if (!start) throw new Error('The diagram has no none or message start event to start a case at.');
    const variables = options.variables ?? {};
    let id: string;
    if (start.kind === 'message') {
      const { started } = await this.engine.correlate(start.message!, { key: options.businessKey ?? null, variables, by: SIMULATOR });
      if (started.length === 0) throw new Error(`Message '${start.message}' started no case.`);
      id = started[0];
    } else {
      id = (await this.engine.start(start.processId, { variables, by: SIMULATOR, ...(options.businessKey ? { businessKey: options.businessKey } : {}) })).id;
    }
    if (!this.instanceIds.includes(id)) this.instanceIds.push(id);
    await this.settle();
    return id;
  }

  /**
   * Delivers a message to the cases waiting for it with this correlation
   * key (or starts a case at a message start event), then runs what it set off.
   * @throws MessageCorrelationError when nothing waits for it
   */
  async correlate(name: string, options: { key?: string; variables?: Variables } = {}): Promise<{ correlated: string[]; started: string[] }> {
    const result = await this.engine.correlate(name, { key: options.key ?? null, variables: options.variables ?? {}, by: SIMULATOR });
    await this.settle();
    return result;
  }

  /** Broadcasts a signal to every waiting signal catch (and signal start), then runs what it set off. */
  async signal(name: string, variables: Variables = {}): Promise<void> {
    await this.engine.signal(name, { variables, by: SIMULATOR });
    await this.settle();
  }

  /** Open tasks of every case, oldest first. */
  async tasks(): Promise<TaskRow[]> {
    return (await this.engine.tasks({ limit: 10_000 })).items.sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Completes a task as its assignee, or as a simulator in its candidate groups, with variables. */
  async complete(taskId: string, variables: Variables = {}): Promise<void> {
    const task = await this.engine.task(taskId);
    const by = task.assignee ?? { id: task.candidateUsers[0] ?? SIMULATOR, groups: task.candidateGroups };
    await this.engine.complete(taskId, { by, variables });
    await this.settle();
  }

  /** Moves virtual time by an ISO duration (wall clock), firing what is due on the way. */
  async advance(duration: string): Promise<void> {
    await this.clock.advance(duration);
  }

  /** Moves virtual time by one working day of a calendar (default: the first), e.g. Friday 17:00 → Monday 17:00. */
  async advanceWorkingDay(calendarName?: string): Promise<void> {
    const calendar = calendarName ? this.calendars.find((c) => c.name === calendarName) : this.calendars[0];
    if (!calendar) throw new Error(calendarName ? `No calendar '${calendarName}'.` : 'No calendar: add a calendars file next to the diagrams.');
    await this.clock.advanceTo(calendar.addDuration(this.clock.now(), 'P1D'));
  }

  /** The next instant something is due (a timer, an SLA rule), if any. */
  nextDue(): number | undefined {
    return this.clock.nextTimerAt();
  }

  /** Moves virtual time to the next due instant and fires what is due there. Returns false when nothing is due. */
  async advanceToNextDue(): Promise<boolean> {
    const next = this.nextDue();
    if (next === undefined) return false;
    await this.clock.advanceTo(Math.max(next, this.clock.now()));
    return true;
  }

  /** The current state of every case. */
  async views(): Promise<InstanceView[]> {
    return Promise.all(this.instanceIds.map((id) => this.engine.instance(id)));
  }

  /** The audit trail of every case, in time order. */
  async audit(): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for (const id of this.instanceIds) events.push(...(await this.engine.audit.query({ instanceId: id, order: 'asc', limit: 100_000 })).items);
    return events.sort((a, b) => a.time - b.time || (a.instanceId === b.instanceId ? a.seq - b.seq : 0));
  }

  /** Stops the engine's scheduler. */
  async close(): Promise<void> {
    await this.engine.close();
  }

  private async settle(): Promise<void> {
    await this.engine.idle();
    await this.clock.flush();
  }
}
