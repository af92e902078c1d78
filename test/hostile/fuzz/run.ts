/**
 * Runs one fuzz scenario (a diagram, a command sequence, handler answers)
 * against one store, on a virtual clock with deterministic ids, and reads
 * back everything the store holds. Checks the invariants that must hold in
 * any store: no error escapes but a typed SopflowError, every audit chain
 * verifies, the task / job / timer / subscription rows are exactly the
 * projections of the instances' states, a task or job completes at most
 * once. `compareRuns` then checks two stores ended in the same state.
 */
import {
  BpmnError,
  createEngine,
  SopflowError,
  verifyChain,
  VirtualClock,
  defaultHash,
  type ActivityRecord,
  type AuditEvent,
  type Engine,
  type InstanceRecord,
  type Job,
  type JobRow,
  type Store,
  type SubscriptionRow,
  type TaskRow,
  type TimerRow,
} from '@sopflow/engine';
import type { Command, Outcome } from './commands.js';
import { MESSAGES, SIGNALS } from './diagrams.js';

export const T0 = Date.parse('2026-03-02T08:00:00Z');

export interface Scenario {
  xml: string;
  commands: Command[];
  outcomes: Outcome[];
}

/** Everything a store holds after a run, in a stable order. */
export interface StoreState {
  deployments: string[];
  instances: InstanceRecord[];
  tasks: TaskRow[];
  jobs: Array<JobRow & { lockedBy?: string; lockedUntil?: number }>;
  timers: TimerRow[];
  subscriptions: SubscriptionRow[];
  audit: AuditEvent[];
  history: ActivityRecord[];
}

export interface RunResult {
  /** 'ok' or the error code of each step: the deploy first, then every command. */
  outcomes: string[];
  /** Codes (or messages) of background failures the engine reported as `engine.error`. */
  engineErrors: string[];
  state: StoreState;
}

/** An error that is not a typed SopflowError left the engine: the property fails with it. */
export class EscapedError extends Error {
  constructor(
    readonly step: string,
    readonly original: unknown,
  ) {
    super(`${step}: an untyped error escaped: ${original instanceof Error ? `${original.name}: ${original.message}\n${original.stack}` : String(original)}`);
    this.name = 'EscapedError';
  }
}

/** An invariant that does not hold after a run. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

const GROUPS: Record<string, string[]> = { alice: ['g1'], bob: ['g2'], mallory: [] };
/** The deployments' audit chains (the generated diagram has a process and the process its call activities call). */
const PROCESS_CHAINS = ['process:fz', 'process:fz-child'];
const FAR = T0 + 10 * 365 * 86_400_000;

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function answer(outcomes: Outcome[], job: Job): unknown {
  const outcome = outcomes[fnv(job.idempotencyKey) % outcomes.length];
  if (outcome === 'throw-non-error') throw 'a string, not an Error';
  if (outcome === 'bad-result') return { fn: () => 1 };
  if (outcome === 'bpmn-error-bad-variables') throw new BpmnError('E', 'with variables that cannot be stored', { fn: () => 1 } as never);
  if ('ok' in outcome) return outcome.ok;
  if ('fail' in outcome) throw new Error(outcome.fail);
  throw new BpmnError(outcome.bpmnError, `handler raised ${outcome.bpmnError}`);
}

/** Runs the scenario on `store` (which it does not close). */
export async function runScenario(store: Store, scenario: Scenario): Promise<RunResult> {
  const clock = new VirtualClock(T0);
  let n = 0;
  const engineErrors: string[] = [];
  const engine = createEngine({
    store,
    clock,
    ids: () => `i${++n}`,
    workerId: 'engine',
    leaseMs: 10 * 60_000,
    identity: { groupsOf: (user) => GROUPS[user] ?? [] },
    handlers: { auto: (job) => answer(scenario.outcomes, job) as never },
    // A loop of script tasks stops at a small work limit (an incident), not after a million steps.
    limits: { maxWorkPerStep: 5_000, maxCommandsPerUnit: 500 },
  });
  engine.on('engine.error', (event) => engineErrors.push(String(event.data.code ?? event.data.message)));
  const outcomes: string[] = [];
  const step = async (label: string, work: () => Promise<string | void>): Promise<boolean> => {
    try {
      outcomes.push((await work()) ?? 'ok');
      await engine.idle();
      return true;
    } catch (error) {
      if (!(error instanceof SopflowError) || error.constructor === SopflowError) throw new EscapedError(label, error);
      outcomes.push(error.code);
      await engine.idle();
      return false;
    }
  };
  const held = new Map<string, Job>();
  try {
    if (await step('deploy', async () => void (await engine.deploy(scenario.xml)))) {
      for (const [i, command] of scenario.commands.entries()) {
        await step(`command ${i} ${JSON.stringify(command.t)}`, () => apply(engine, clock, command, held, scenario.xml));
      }
    }
    await engine.close();
  } finally {
    await engine.close().catch(() => {});
  }
  const state = await readState(store);
  await checkInvariants(store, state);
  // On a healthy store, nothing the engine does on its own may fail: a handler's bad answer is a failed attempt, not an engine error.
  if (engineErrors.length) throw new InvariantError(`the engine reported background failures: ${engineErrors.join('; ')}`);
  return { outcomes, engineErrors, state };
}

async function apply(engine: Engine, clock: VirtualClock, command: Command, held: Map<string, Job>, xml: string): Promise<string | void> {
  const openTasks = async () => (await engine.tasks({ limit: 10_000 })).items;
  const running = async () => (await engine.instances({ status: 'running', limit: 10_000 })).items;
  switch (command.t) {
    case 'start':
      await engine.start('fz', { variables: { ...command.vars, key: `k${command.key}` }, ...(command.businessKey ? { businessKey: command.businessKey } : {}) });
      return;
    case 'complete': {
      const tasks = await openTasks();
      if (!tasks.length) return 'no-task';
      await engine.complete(tasks[command.pick % tasks.length].id, { by: command.by, variables: command.vars });
      return;
    }
    case 'claim': {
      const tasks = await openTasks();
      if (!tasks.length) return 'no-task';
      await engine.claim(tasks[command.pick % tasks.length].id, command.user);
      return;
    }
    case 'correlate': {
      const result = await engine.correlate(command.name, { ...(command.key !== null ? { key: `k${command.key}` } : {}), variables: command.vars });
      return `correlated:${result.correlated.length}:${result.started.length}`;
    }
    case 'signal':
      await engine.signal(command.name, { variables: command.vars });
      return;
    case 'advance':
      await clock.advance(command.ms);
      return;
    case 'cancel': {
      const instances = await running();
      if (!instances.length) return 'no-instance';
      await engine.cancel(instances[command.pick % instances.length].id, { reason: 'fuzz' });
      return;
    }
    case 'setVariables': {
      const instances = await running();
      if (!instances.length) return 'no-instance';
      await engine.setVariables(instances[command.pick % instances.length].id, command.vars);
      return;
    }
    case 'resolve': {
      const instances = (await engine.instances({ withIncidents: true, limit: 10_000 })).items;
      if (!instances.length) return 'no-incident';
      const instance = await engine.instance(instances[command.pick % instances.length].id);
      const incident = instance.incidents[command.pick % instance.incidents.length];
      await engine.resolveIncident(instance.id, incident.id, { variables: command.vars });
      return;
    }
    case 'worker': {
      const [job] = await engine.jobs.fetchAndLock({ types: ['ext'], workerId: command.workerId, max: 1, lockMs: command.lockMs });
      if (!job) return 'no-job';
      held.set(command.workerId, job);
      if (command.action === 'hold') return 'held';
      if (command.action === 'complete') await engine.jobs.complete(job.id, { workerId: command.workerId, attempt: job.attempt, variables: command.vars });
      else if (command.action === 'fail') await engine.jobs.fail(job.id, { workerId: command.workerId, error: 'worker failed' });
      else await engine.jobs.throwError(job.id, { workerId: command.workerId, code: 'E', variables: command.vars });
      held.delete(command.workerId);
      return;
    }
    case 'redeploy': {
      const result = await engine.deploy(xml.replace('<bpmn:process id="fz" isExecutable="true">', `<bpmn:process id="fz" isExecutable="true" name="revision ${command.n}">`));
      return `deployed:${result.processes.map((p) => `${p.id}@${p.version}${p.created ? '' : '='}`).join(',')}`;
    }
    case 'lateWorker': {
      const job = held.get(command.workerId);
      if (!job) return 'no-held-job';
      held.delete(command.workerId);
      await engine.jobs.complete(job.id, { workerId: command.workerId, attempt: job.attempt, variables: command.vars });
      return;
    }
  }
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Reads everything back; timers and jobs through the instances' states (the store lists them only by due time). */
export async function readState(store: Store): Promise<StoreState> {
  const summaries = (await store.findInstances({ limit: 100_000 })).items;
  const instances: InstanceRecord[] = [];
  for (const s of summaries) instances.push((await store.getInstance(s.id))!);
  instances.sort(byId);
  const jobs: StoreState['jobs'] = [];
  const timers: TimerRow[] = [];
  for (const instance of instances) {
    for (const exec of Object.values(instance.state.execs)) {
      const row = exec.job ? await store.getJob(exec.job.id) : undefined;
      if (row) jobs.push(row);
    }
    for (const id of Object.keys(instance.state.timers)) {
      const row = await store.getTimer(id);
      if (row) timers.push(row);
    }
  }
  const subscriptions: SubscriptionRow[] = [];
  for (const name of [...MESSAGES, 'unknown']) subscriptions.push(...(await store.findSubscriptions('message', name)));
  for (const name of SIGNALS) subscriptions.push(...(await store.findSubscriptions('signal', name)));
  const audit: AuditEvent[] = [];
  for (const chain of [...PROCESS_CHAINS, ...instances.map((i) => i.id)]) audit.push(...(await store.auditTrail(chain)));
  return {
    deployments: (await store.listDeployments()).map((d) => d.key).sort(),
    instances,
    tasks: (await store.findTasks({ limit: 100_000 })).items.sort(byId),
    jobs: jobs.sort(byId),
    timers: timers.sort(byId),
    subscriptions: subscriptions.sort(byId),
    audit,
    history: (await store.findActivities({ limit: 100_000 })).items.sort(byId),
  };
}

function sameSet(what: string, actual: string[], expected: string[]): void {
  const a = [...actual].sort().join(', ');
  const e = [...expected].sort().join(', ');
  if (a !== e) throw new InvariantError(`${what}: the store has [${a}], the instance state says [${e}]`);
}

/** The invariants one store must satisfy after any run. */
export async function checkInvariants(store: Store, state: StoreState): Promise<void> {
  const hash = defaultHash();
  // Every chain verifies, up to the head each instance record names.
  for (const instance of state.instances) {
    const problem = verifyChain(await store.auditTrail(instance.id), hash, { seq: instance.auditSeq, hash: instance.auditHash });
    if (problem) throw new InvariantError(`audit chain of ${instance.id}: ${JSON.stringify(problem)}`);
  }
  for (const chain of PROCESS_CHAINS) {
    const problem = verifyChain(await store.auditTrail(chain), hash);
    if (problem) throw new InvariantError(`deployment chain ${chain}: ${JSON.stringify(problem)}`);
  }

  // Rows are projections of the states: nothing more, nothing less.
  const known = new Set(state.instances.map((i) => i.id));
  for (const row of [...state.tasks, ...state.subscriptions]) {
    if (!known.has(row.instanceId)) throw new InvariantError(`row ${row.id} belongs to no instance (${row.instanceId})`);
  }
  for (const instance of state.instances) {
    const s = instance.state;
    const execs = Object.values(s.execs);
    if (instance.status !== 'running' && (execs.length || Object.keys(s.timers).length || Object.keys(s.subs).length)) {
      throw new InvariantError(`${instance.id} is ${instance.status} but still has execs, timers or subscriptions`);
    }
    if (instance.incidents !== Object.keys(s.incidents).length) throw new InvariantError(`${instance.id}: incident count ${instance.incidents} ≠ ${Object.keys(s.incidents).length}`);
    sameSet(`tasks of ${instance.id}`, state.tasks.filter((t) => t.instanceId === instance.id).map((t) => t.id), execs.flatMap((e) => (e.task ? [e.task.id] : [])));
    sameSet(`timers of ${instance.id}`, state.timers.filter((t) => t.instanceId === instance.id).map((t) => t.id), Object.keys(s.timers));
    sameSet(`subscriptions of ${instance.id}`, state.subscriptions.filter((r) => r.instanceId === instance.id).map((r) => r.id), Object.keys(s.subs));
    for (const row of state.jobs.filter((j) => j.instanceId === instance.id)) {
      const exec = execs.find((e) => e.job?.id === row.id)!;
      if (exec.job!.attempt !== row.attempt || exec.job!.retries !== row.retries) {
        throw new InvariantError(`job ${row.id}: row attempt ${row.attempt}/retries ${row.retries}, state ${exec.job!.attempt}/${exec.job!.retries}`);
      }
    }
  }
  // Orphans: lease every timer and job far in the future (the run is over) and look for rows no state names.
  const timerIds = new Set(state.instances.flatMap((i) => Object.keys(i.state.timers)));
  for (const row of await store.acquireTimers({ now: FAR, workerId: 'probe', leaseMs: 1, limit: 100_000 })) {
    if (!timerIds.has(row.id)) throw new InvariantError(`timer row ${row.id} (${row.instanceId ?? row.definition}) is named by no instance state`);
  }
  const jobIds = new Set(state.jobs.map((j) => j.id));
  for (const row of await store.acquireJobs({ now: FAR, workerId: 'probe', leaseMs: 1, limit: 100_000 })) {
    if (!jobIds.has(row.id)) throw new InvariantError(`job row ${row.id} of ${row.instanceId} is named by no exec of a running instance`);
  }

  // Exactly once: a task or a job completes at most once.
  const seen = new Set<string>();
  for (const event of state.audit) {
    const key = event.type === 'task.completed' ? `task:${String(event.data.task)}` : event.type === 'job.completed' ? `job:${String(event.data.job)}` : undefined;
    if (!key) continue;
    if (seen.has(key)) throw new InvariantError(`${key} completed twice (${event.instanceId} #${event.seq})`);
    seen.add(key);
  }
}
