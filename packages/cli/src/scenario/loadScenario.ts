import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import schema from '../../schemas/scenario.schema.json';

export type UserSpec = string | { user: string; groups?: string[] };

export type Step =
  | { advance: string }
  | { advanceTo: string }
  | { complete: string; as?: UserSpec; variables?: Record<string, unknown>; which?: Record<string, unknown> }
  | { correlate: string; key?: string; variables?: Record<string, unknown> }
  | { signal: string; variables?: Record<string, unknown> }
  | { expect: Expectation };

export interface Expectation {
  status?: 'running' | 'completed' | 'cancelled';
  tasks?: string[];
  variables?: Record<string, unknown>;
  reached?: string[];
  notReached?: string[];
  incidents?: number;
  events?: Array<{ type: string; node?: string; at?: string; data?: Record<string, unknown> }>;
  count?: Array<{ type: string; node?: string; equals: number }>;
  sla?: Record<string, 'met' | 'missed' | 'breached' | 'none'>;
  due?: Record<string, string>;
  createdAt?: Record<string, string>;
  /** KPI figures of the case's process report now: the process, nodes by id, departments by name. */
  report?: { process?: KpiExpectation; nodes?: Record<string, KpiExpectation>; departments?: Record<string, KpiExpectation> };
}

/** Some figures of a report row ({@link Kpi}); the others are not checked. */
export type KpiExpectation = Partial<Record<'executions' | 'withSla' | 'slaMet' | 'reminders' | 'escalations' | 'reopens' | 'overdue' | 'openOverdue', number>> & {
  compliance?: number | null;
};

export interface Scenario {
  name: string;
  diagram: string | string[];
  calendars?: string;
  timeZone?: string;
  process?: string;
  handlers?: Record<string, Record<string, unknown>>;
  start: { at: string; message?: string; key?: string; businessKey?: string; variables?: Record<string, unknown>; by?: string };
  steps: Step[];
}

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** 1-based line of each step, for messages. */
  stepLines: number[];
  /** Resolves a path written in the scenario (relative to its file). */
  resolve(path: string): string;
}

/** A scenario file that is not valid: each problem with its line and column. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ line?: number; column?: number; path: string; message: string }>,
  ) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}:${p.column}` : ''} ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ScenarioFileError';
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);

/** The YAML node at a JSON-pointer path, for positions. */
function nodeAt(root: Node | null | undefined, pointer: string): Node | undefined {
  let node: Node | null | undefined = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) node = node.get(key, true) as Node | undefined;
    else if (isSeq(node)) node = node.get(Number(key), true) as Node | undefined;
    else return undefined;
  }
  return node ?? undefined;
}

/** JSON pointer → `steps[3].complete`. */
function readablePath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

/** The step shapes in schema order; a step's action key picks its branch of the oneOf. */
const STEP_ACTIONS = ['advance', 'advanceTo', 'complete', 'correlate', 'signal', 'expect'];

/** ajv reports every branch of a oneOf; keep the errors that say the most. */
function bestErrors(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const steps = (data as { steps?: unknown[] })?.steps;
  const onBranch = (e: ErrorObject): boolean => {
    const m = /^\/steps\/(\d+)$/.exec(e.instancePath);
    const step = m && Array.isArray(steps) ? steps[Number(m[1])] : undefined;
    if (!step || typeof step !== 'object' || !e.schemaPath.startsWith('#/oneOf/')) return true;
    const action = STEP_ACTIONS.findIndex((a) => a in (step as object));
    // errors of the step's own shape only (the other shapes' complaints are noise)
    return action < 0 || e.schemaPath.startsWith(`#/oneOf/${action}/`);
  };
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'if' && onBranch(e));
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of specific) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const out: ErrorObject[] = [];
  for (const [, list] of byPath) {
    // For a step (oneOf of shapes) an "additionalProperties" from the wrong branch is noise; prefer what names the field.
    // A wrong field says more than a field missing from some other branch of the oneOf.
    const rank = ['additionalProperties', 'enum', 'pattern', 'type', 'required'];
    const named = list.filter((e) => rank.includes(e.keyword)).sort((a, b) => rank.indexOf(a.keyword) - rank.indexOf(b.keyword));
    out.push(...(named.length ? named.slice(0, 1) : list.slice(0, 1)));
  }
  return out.length ? out : errors.slice(0, 1);
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    case 'required':
      return `missing field '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'enum':
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return e.instancePath.endsWith('advance') ? 'must be an ISO 8601 duration such as PT2H or P1D' : 'must be an ISO 8601 date-time such as 2026-11-23T09:00+08:00';
    default:
      return e.message ?? 'is not valid';
  }
}

/**
 * Reads and validates a scenario file (YAML) against the published JSON
 * Schema (`schemas/scenario.schema.json`). Every problem is reported with its
 * line and column.
 * @throws ScenarioFileError
 */
export async function loadScenario(file: string): Promise<LoadedScenario> {
  const text = await readFile(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    throw new ScenarioFileError(
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, path: '', message: `not valid YAML: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (!validate(data)) {
    throw new ScenarioFileError(
      file,
      bestErrors(validate.errors ?? [], data).map((e) => {
        const node = nodeAt(doc.contents as Node, e.instancePath);
        const pos = node?.range ? lineCounter.linePos(node.range[0]) : undefined;
        return { ...(pos ? { line: pos.line, column: pos.col } : {}), path: readablePath(e.instancePath), message: describe(e) };
      }),
    );
  }
  const scenario = data as unknown as Scenario;
  const steps = nodeAt(doc.contents as Node, '/steps');
  const stepLines = scenario.steps.map((_, i) => {
    const node = isSeq(steps) ? (steps.get(i, true) as Node | undefined) : undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : 0;
  });
  const base = dirname(resolve(file));
  return { file, scenario, stepLines, resolve: (path) => resolve(base, path) };
}
