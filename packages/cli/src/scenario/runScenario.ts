import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  BpmnError,
  createEngine,
  MemoryStore,
  parseCalendarFile,
  parseDateTime,
  SopflowError,
  VirtualClock,
  type AuditEvent,
  type Engine,
  type JobHandler,
  type TaskRow,
} from '@sopflow/engine';
import type { Expectation, KpiExpectation, LoadedScenario, Step, UserSpec } from './loadScenario.js';

export interface ScenarioResult {
  file: string;
  name: string;
  passed: boolean;
  /** Steps run (all when passed). */
  steps: number;
  durationMs: number;
  failure?: { step: number; line?: number; message: string };
  instanceId?: string;
}

/** A mismatch between what the scenario expects and what happened. */
class Mismatch extends Error {}

const nodeHash = (text: string) => createHash('sha256').update(text).digest('hex');

function handlersOf(spec: Record<string, Record<string, unknown>> | undefined): Record<string, JobHandler> {
  const handlers: Record<string, JobHandler> = {};
  for (const [type, result] of Object.entries(spec ?? {})) {
    handlers[type] = () => {
      if (typeof result.error === 'string') throw new BpmnError(result.error, undefined, (result.variables as Record<string, unknown>) ?? {});
      if (typeof result.fail === 'string') throw new Error(result.fail);
      return 'variables' in result && Object.keys(result).every((k) => k === 'variables') ? (result.variables as Record<string, unknown>) : result;
    };
  }
  return handlers;
}

function actor(spec: UserSpec | undefined): string | { id: string; groups: string[] } {
  if (spec === undefined) return 'system';
  return typeof spec === 'string' ? spec : { id: spec.user, groups: spec.groups ?? [] };
}

function same(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(canonical(actual)) === JSON.stringify(canonical(expected));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

function subset(actual: Record<string, unknown> | undefined, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([k, v]) => actual !== undefined && same(actual[k], v));
}

/**
 * Runs one scenario on a fresh in-memory engine under virtual time, with
 * the scenario's diagrams, calendars and job results. Stops at the first
 * mismatch and says what was expected and what happened.
 */
export async function runScenario(loaded: LoadedScenario): Promise<ScenarioResult> {
  const started = performance.now();
  const { scenario } = loaded;
  const zone = scenario.timeZone ?? 'UTC';
  const instant = (text: string) => parseDateTime(text, zone);
  const result: ScenarioResult = { file: loaded.file, name: scenario.name, passed: false, steps: 0, durationMs: 0 };
  let engine: Engine | undefined;
  let stepIndex = -1;
  try {
    const clock = new VirtualClock(instant(scenario.start.at));
    const calendars = scenario.calendars ? parseCalendarFile(await readFile(loaded.resolve(scenario.calendars), 'utf8'), scenario.calendars) : [];
    let n = 0;
    engine = createEngine({ store: new MemoryStore(), clock, calendars, handlers: handlersOf(scenario.handlers), ids: () => `case-${++n}`, hash: nodeHash, timeZone: zone });
    const deployed: string[] = [];
    for (const file of Array.isArray(scenario.diagram) ? scenario.diagram : [scenario.diagram]) {
      const { processes } = await engine.deploy(await readFile(loaded.resolve(file)));
      deployed.push(...processes.map((p) => p.id));
    }
    const start = scenario.start;
    let instanceId: string;
    if (start.message) {
      const { started: ids } = await engine.correlate(start.message, {
        ...(start.key !== undefined ? { key: start.key } : {}),
        ...(start.businessKey !== undefined ? { businessKey: start.businessKey } : {}),
        variables: start.variables ?? {},
        ...(start.by ? { by: start.by } : {}),
      });
      if (ids.length !== 1) throw new Mismatch(`start message '${start.message}' started ${ids.length} instances; expected 1`);
      instanceId = ids[0];
    } else {
      const processId = scenario.process ?? (deployed.length === 1 ? deployed[0] : undefined);
      if (!processId) throw new Mismatch(`the diagrams define ${deployed.length} processes (${deployed.join(', ')}): name one with 'process:'`);
      instanceId = (await engine.start(processId, { variables: start.variables ?? {}, ...(start.businessKey !== undefined ? { businessKey: start.businessKey } : {}), ...(start.by ? { by: start.by } : {}) })).id;
    }
    result.instanceId = instanceId;
    await engine.idle();
    for (stepIndex = 0; stepIndex < scenario.steps.length; stepIndex++) {
      await runStep(engine, clock, instanceId, scenario.steps[stepIndex], instant);
      result.steps = stepIndex + 1;
    }
    result.passed = true;
  } catch (error) {
    const message =
      error instanceof Mismatch || error instanceof SopflowError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    const line = stepIndex >= 0 ? loaded.stepLines[stepIndex] : undefined;
    result.failure = { step: stepIndex + 1, ...(line ? { line } : {}), message };
  } finally {
    await engine?.close();
    result.durationMs = Math.round(performance.now() - started);
  }
  return result;
}

async function openTasks(engine: Engine, instanceId: string): Promise<TaskRow[]> {
  return (await engine.tasks({ instanceId, limit: 10_000 })).items;
}

async function runStep(engine: Engine, clock: VirtualClock, instanceId: string, step: Step, instant: (t: string) => number): Promise<void> {
  if ('advance' in step) {
    await clock.advance(step.advance);
  } else if ('advanceTo' in step) {
    const to = instant(step.advanceTo);
    if (to < clock.now()) throw new Mismatch(`advanceTo ${step.advanceTo} is before the current virtual time ${new Date(clock.now()).toISOString()}`);
    await clock.advanceTo(to);
  } else if ('complete' in step) {
    let tasks = (await openTasks(engine, instanceId)).filter((t) => t.node === step.complete);
    const which = step.which ?? {};
    tasks = tasks.filter((t) =>
      Object.entries(which).every(([k, v]) => (k === 'candidateGroup' ? t.candidateGroups.includes(String(v)) : k === 'candidateUser' ? t.candidateUsers.includes(String(v)) : same((t as unknown as Record<string, unknown>)[k], v))),
    );
    if (tasks.length === 0) {
      const open = (await openTasks(engine, instanceId)).map((t) => t.node);
      throw new Mismatch(`no open task at '${step.complete}'${Object.keys(which).length ? ` matching ${JSON.stringify(which)}` : ''}; open tasks: ${open.length ? open.join(', ') : 'none'}`);
    }
    if (tasks.length > 1) throw new Mismatch(`${tasks.length} open tasks at '${step.complete}'; say which with 'which:' (e.g. { candidateGroup: … })`);
    await engine.complete(tasks[0].id, { by: actor(step.as), variables: step.variables ?? {} });
  } else if ('correlate' in step) {
    await engine.correlate(step.correlate, { ...(step.key !== undefined ? { key: step.key } : {}), variables: step.variables ?? {} });
  } else if ('signal' in step) {
    await engine.signal(step.signal, { variables: step.variables ?? {} });
  } else {
    await engine.idle();
    await check(engine, instanceId, step.expect, instant);
    return;
  }
  await engine.idle();
}

async function auditOf(engine: Engine, instanceId: string): Promise<AuditEvent[]> {
  return (await engine.audit.query({ instanceId, limit: 1_000_000 })).items.sort((a, b) => a.seq - b.seq);
}

async function check(engine: Engine, instanceId: string, expect: Expectation, instant: (t: string) => number): Promise<void> {
  const view = await engine.instance(instanceId);
  if (expect.status && view.status !== expect.status) throw new Mismatch(`expected status ${expect.status}, but the case is ${view.status}`);
  if (expect.incidents !== undefined && view.incidents.length !== expect.incidents) {
    throw new Mismatch(`expected ${expect.incidents} incident(s), found ${view.incidents.length}${view.incidents.length ? `: ${view.incidents.map((i) => `${i.node}: ${i.message}`).join('; ')}` : ''}`);
  }
  const tasks = await openTasks(engine, instanceId);
  if (expect.tasks) {
    const actual = tasks.map((t) => t.node).sort();
    const wanted = [...expect.tasks].sort();
    if (!same(actual, wanted)) throw new Mismatch(`expected open tasks [${wanted.join(', ')}], found [${actual.join(', ')}]`);
  }
  if (expect.variables) {
    for (const [name, value] of Object.entries(expect.variables)) {
      if (!same(view.variables[name], value)) throw new Mismatch(`expected variable ${name} = ${JSON.stringify(value)}, found ${JSON.stringify(view.variables[name])}`);
    }
  }
  const needAudit = expect.reached || expect.notReached || expect.events || expect.count || expect.sla;
  const audit = needAudit ? await auditOf(engine, instanceId) : [];
  const left = new Set(audit.filter((e) => e.type === 'node.left').map((e) => e.node));
  for (const node of expect.reached ?? []) if (!left.has(node)) throw new Mismatch(`expected the case to have reached ${node}; it has not`);
  for (const node of expect.notReached ?? []) if (left.has(node)) throw new Mismatch(`expected the case never to reach ${node}; it did`);
  if (expect.events) {
    let from = 0;
    for (const [i, want] of expect.events.entries()) {
      const at = want.at !== undefined ? instant(want.at) : undefined;
      const hit = audit.findIndex((e, j) => j >= from && e.type === want.type && (want.node === undefined || e.node === want.node) && (at === undefined || e.time === at) && (!want.data || subset(e.data, want.data)));
      if (hit < 0) {
        const near = audit.filter((e) => e.type === want.type && (want.node === undefined || e.node === want.node));
        throw new Mismatch(
          `expected event ${i + 1} (${want.type}${want.node ? ` at ${want.node}` : ''}${want.at ? ` at ${want.at}` : ''}) after the previous ones; ` +
            (near.length ? `found it only ${near.map((e) => new Date(e.time).toISOString()).join(', ')}` : 'there is no such event'),
        );
      }
      from = hit + 1;
    }
  }
  for (const c of expect.count ?? []) {
    const actual = audit.filter((e) => e.type === c.type && (c.node === undefined || e.node === c.node)).length;
    if (actual !== c.equals) throw new Mismatch(`expected ${c.equals} × ${c.type}${c.node ? ` at ${c.node}` : ''}, found ${actual}`);
  }
  for (const [node, outcome] of Object.entries(expect.sla ?? {})) {
    const events = audit.filter((e) => e.node === node && e.type.startsWith('sla.'));
    const last = [...events].reverse().find((e) => e.type === 'sla.met' || e.type === 'sla.missed');
    const breached = events.some((e) => e.type === 'sla.breached');
    const actual = last ? (last.type === 'sla.met' ? 'met' : 'missed') : breached ? 'breached' : 'none';
    const ok = outcome === 'breached' ? breached : actual === outcome;
    if (!ok) throw new Mismatch(`expected SLA ${outcome} at ${node}, found ${actual}${breached && actual !== 'breached' ? ' (breached before)' : ''}`);
  }
  if (expect.report) await checkReport(engine, view.processId, expect.report);
  for (const [field, map] of [['due', expect.due], ['createdAt', expect.createdAt]] as const) {
    for (const [node, when] of Object.entries(map ?? {})) {
      const task = tasks.find((t) => t.node === node);
      if (!task) throw new Mismatch(`expected an open task at ${node} to check its ${field}; there is none`);
      const actual = field === 'due' ? task.due : task.createdAt;
      if (actual !== instant(when)) throw new Mismatch(`expected ${node} ${field} ${when}, found ${actual === undefined ? 'none' : new Date(actual).toISOString()}`);
    }
  }
}

/** The KPI rows the expectation names hold its figures (engine.report() of the case's process, up to now). */
async function checkReport(engine: Engine, processId: string, expect: NonNullable<Expectation['report']>): Promise<void> {
  const report = await engine.report({ processId });
  const compare = (what: string, row: object | undefined, want: KpiExpectation) => {
    if (!row) throw new Mismatch(`expected a report row for ${what}; the report has none`);
    const got = row as Record<string, unknown>;
    const wrong = Object.entries(want).filter(([k, v]) => got[k] !== v);
    if (wrong.length) throw new Mismatch(`expected the report's ${what} to have ${wrong.map(([k, v]) => `${k} ${v}`).join(', ')}; it has ${wrong.map(([k]) => `${k} ${got[k]}`).join(', ')}`);
  };
  if (expect.process) compare(`process ${processId}`, report.processes.find((p) => p.processId === processId), expect.process);
  for (const [node, want] of Object.entries(expect.nodes ?? {})) compare(`node ${node}`, report.nodes.find((n) => n.node === node), want);
  for (const [department, want] of Object.entries(expect.departments ?? {})) compare(`department ${department}`, report.departments.find((d) => d.department === department), want);
}
