/**
 * The workbench's API, mounted on the local server under `/api/workbench/`
 * (behind its token). Bodies are JSON objects; a bad one gets 400 with a
 * message naming the field. Engine refusals map to statuses: not found 404,
 * not assignable or forbidden 403, wrong state 409, bad variables or
 * expressions 400.
 */
import { basename } from 'node:path';
import {
  ForbiddenError,
  FormValidationError,
  InvalidStateError,
  MessageCorrelationError,
  NotFoundError,
  SopflowError,
  TaskNotAssignableError,
  type FieldDef,
  type InstanceStatus,
  type TaskRow,
  type Variables,
} from '@sopflow/engine';
import { errorRef } from '@sopflow/i18n';
import { HttpError, sendJson, sendText } from '../server/http.js';
import type { RequestContext, Route } from '../server/routes.js';
import { checkStartForm, formRefusal, formView, type FormView } from './forms.js';
import { badField, decodeSegment, groupsOf, instantParam, optionalString, readJson, requiredString, variablesOf } from './input.js';
import { caseDetail, heatMap, processSummaries, startsOf } from './monitor.js';
import type { Workbench } from './Workbench.js';

/** A task as the inbox shows it: the row, its form and its process's name. */
export interface TaskView extends TaskRow {
  /** The engine's rules of the task's form. */
  fields: FieldDef[];
  /** The form to render, when the task has one. */
  form?: FormView;
  processName?: string;
}

const STATUSES: readonly InstanceStatus[] = ['running', 'completed', 'cancelled'];

/** Engine errors as HTTP refusals; anything else is rethrown (a 500). */
function toHttp(error: unknown): unknown {
  if (error instanceof FormValidationError) return formRefusal(error);
  if (!(error instanceof SopflowError)) return error;
  const status =
    error instanceof NotFoundError || error instanceof MessageCorrelationError
      ? 404
      : error instanceof TaskNotAssignableError || error instanceof ForbiddenError
        ? 403
        : error instanceof InvalidStateError
          ? 409
          : 400;
  // The values of its message too, so that a page renders it in its language (see @sopflow/i18n errorRef).
  const { params } = errorRef(error);
  return new HttpError(status, error.code, error.message, params && Object.keys(params).length ? { params } : {});
}

function guarded(handle: (context: RequestContext) => Promise<void>): (context: RequestContext) => Promise<void> {
  return async (context) => {
    try {
      await handle(context);
    } catch (error) {
      throw toHttp(error);
    }
  };
}

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) throw badField(name, `expected a whole number from 0 to ${max}, got '${text}'.`);
  return value;
}

/**
 * The workbench routes (see docs/workbench.md for each request and reply):
 * status, deploy, processes and their diagrams, cases (start, list, one),
 * tasks (inbox, complete), messages, signals, heat map, KPI report, and
 * the live feed (polled or as server-sent events).
 */
export function workbenchRoutes(workbench: Workbench): Route[] {
  const { engine, store } = workbench;

  const definitionOf = async (key: string) => {
    const deployment = await store.getDeployment(key);
    if (!deployment) throw new NotFoundError('process', key, 'no such deployment');
    return deployment;
  };

  const status = async ({ res }: RequestContext) => {
    sendJson(res, 200, {
      folder: basename(workbench.options.dir),
      store: workbench.options.storeLabel,
      now: workbench.now(),
      speed: workbench.options.speed,
      zone: workbench.zone,
      calendars: workbench.calendars.map((c) => c.name),
      feed: workbench.feed.last,
    });
  };

  const deploy = async (context: RequestContext) => {
    const body = await readJson(context);
    const path = optionalString(body, 'path', 'the diagram to deploy, relative to the folder (leave it out for every diagram)');
    if (path === undefined) {
      sendJson(context.res, 200, { files: await workbench.deployFolder(optionalString(body, 'user', 'who deploys') ?? 'workbench') });
      return;
    }
    const result = await workbench.deployFile(path, optionalString(body, 'user', 'who deploys') ?? 'workbench');
    if (result.error) throw new HttpError(400, 'invalid-diagram', result.error, { path, problems: result.problems ?? [] });
    sendJson(context.res, 200, { files: [result] });
  };

  const processes = async ({ res }: RequestContext) => sendJson(res, 200, { processes: await processSummaries(workbench) });

  const deploymentXml = async ({ res, rest }: RequestContext) => {
    const deployment = await definitionOf(decodeSegment(rest, 'deployment key'));
    sendText(res, 200, deployment.xml);
  };

  const startCase = async (context: RequestContext) => {
    const body = await readJson(context);
    const processId = requiredString(body, 'processId', 'the process to start a case of');
    const startNode = optionalString(body, 'startNode', 'the start event id');
    const businessKey = optionalString(body, 'businessKey', 'the business key (for a message start: the correlation key)');
    const by = optionalString(body, 'user', 'who starts the case') ?? 'workbench';
    const variables = variablesOf(body) as Variables;
    const deployment = await store.latestDeployment(processId);
    if (!deployment) throw badField('processId', `no deployed process '${processId}'.`);
    const starts = startsOf(deployment.definition);
    const start = startNode === undefined ? starts[0] : starts.find((s) => s.node === startNode);
    if (!start) {
      if (startNode === undefined) throw badField('processId', `'${processId}' has no none or message start event to start a case at.`);
      throw badField('startNode', `'${startNode}' is not a none or message start event of '${processId}' (${starts.map((s) => s.node).join(', ') || 'none'}).`);
    }
    // The engine checks a none start's form; a message start's (compiled, not checked by the engine: its sender checks) is checked here.
    const fields = deployment.definition.nodes[start.node]?.fields;
    if (start.kind === 'message' && fields?.length) checkStartForm(processId, start.node, fields, variables);
    let id: string;
    if (start.kind === 'message') {
      const { started } = await engine.correlate(start.message!, { key: businessKey ?? null, variables, by });
      const mine = [];
      for (const candidate of started) if ((await store.getInstance(candidate))?.processId === processId) mine.push(candidate);
      if (!mine.length) throw new HttpError(409, 'not-started', `Message '${start.message}' started no case of '${processId}'.`);
      id = mine[0];
    } else {
      id = (await engine.start(processId, { variables, by, ...(businessKey !== undefined ? { businessKey } : {}), ...(startNode ? { startNode } : {}) })).id;
    }
    sendJson(context.res, 201, { id, instance: await engine.instance(id) });
  };

  const listCases = async ({ res, url }: RequestContext) => {
    const processId = url.searchParams.get('process') || undefined;
    const statusText = url.searchParams.get('status') || undefined;
    if (statusText !== undefined && !STATUSES.includes(statusText as InstanceStatus)) throw badField('status', `expected one of ${STATUSES.join(', ')}, got '${statusText}'.`);
    const limit = intParam(url, 'limit', 50, 500);
    const query = { ...(processId ? { processId } : {}), ...(statusText ? { status: statusText as InstanceStatus } : {}) };
    // Newest first: the last page of the store's start-time order, reversed.
    const { total } = await store.findInstances({ ...query, limit: 1 });
    const { items } = await store.findInstances({ ...query, offset: Math.max(0, total - limit), limit });
    sendJson(res, 200, { items: items.reverse(), total });
  };

  const oneCase = async ({ res, rest }: RequestContext) => sendJson(res, 200, await caseDetail(workbench, decodeSegment(rest, 'case id')));

  const taskView = async (task: TaskRow): Promise<TaskView> => {
    const deployment = await definitionOf(task.definition);
    const node = deployment.definition.nodes[task.node];
    const fields = node?.fields ?? [];
    const form = formView(node?.form, fields);
    return { ...task, fields, ...(form ? { form } : {}), ...(deployment.name ? { processName: deployment.name } : {}) };
  };

  const inbox = async ({ res, url }: RequestContext) => {
    const user = url.searchParams.get('user')?.trim() || undefined;
    const groups = groupsOf(url.searchParams.get('groups') ?? undefined);
    const limit = 500;
    let rows: TaskRow[];
    if (!user && groups.length === 0) {
      rows = (await engine.tasks({ limit })).items;
    } else {
      // What this person may work on: assigned to them, offered to them, or offered to one of their groups (unclaimed).
      const pages = await Promise.all([
        user ? engine.tasks({ assignee: user, limit }) : undefined,
        user ? engine.tasks({ candidateUser: user, limit }) : undefined,
        groups.length ? engine.tasks({ candidateGroups: groups, limit }) : undefined,
      ]);
      const byId = new Map<string, TaskRow>();
      for (const page of pages) for (const task of page?.items ?? []) if (!task.assignee || task.assignee === user) byId.set(task.id, task);
      rows = [...byId.values()];
    }
    rows.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    sendJson(res, 200, { tasks: await Promise.all(rows.map(taskView)) });
  };

  const completeTask = async (context: RequestContext) => {
    const match = /^(.+)\/complete$/.exec(context.rest);
    if (!match) throw new HttpError(404, 'not-found', `No API route ${context.url.pathname}.`);
    const taskId = decodeSegment(match[1], 'task id');
    const body = await readJson(context);
    const user = requiredString(body, 'user', 'who completes the task (a user id)');
    const groups = groupsOf(body.groups);
    const variables = variablesOf(body) as Variables;
    const task = await engine.task(taskId);
    // The engine checks who may complete it and its form (FormValidationError: 400 naming the field).
    await engine.complete(taskId, { by: { id: user, groups }, variables });
    sendJson(context.res, 200, { completed: taskId, instanceId: task.instanceId });
  };

  const correlate = async (context: RequestContext) => {
    const body = await readJson(context);
    const name = requiredString(body, 'name', 'the message name');
    const key = optionalString(body, 'key', 'the correlation key');
    const by = optionalString(body, 'user', 'who sends the message') ?? 'workbench';
    const result = await engine.correlate(name, { key: key ?? null, variables: variablesOf(body) as Variables, by });
    sendJson(context.res, 200, result);
  };

  const signal = async (context: RequestContext) => {
    const body = await readJson(context);
    const name = requiredString(body, 'name', 'the signal name');
    const by = optionalString(body, 'user', 'who broadcasts the signal') ?? 'workbench';
    await engine.signal(name, { variables: variablesOf(body) as Variables, by });
    sendJson(context.res, 200, { signalled: name });
  };

  const heat = async ({ res, url }: RequestContext) => {
    const processId = url.searchParams.get('process');
    if (!processId) throw badField('process', 'name the process (?process=<id>).');
    sendJson(res, 200, await heatMap(workbench, processId));
  };

  const report = async ({ res, url }: RequestContext) => {
    const processId = url.searchParams.get('process') || undefined;
    const from = instantParam(url, 'from');
    const to = instantParam(url, 'to');
    if (from !== undefined && to !== undefined && to <= from) throw badField('to', 'must be after from.');
    sendJson(res, 200, await engine.report({ ...(processId ? { processId } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }));
  };

  const feed = async ({ res, url }: RequestContext) => {
    const after = intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER);
    sendJson(res, 200, { items: workbench.feed.since(after), last: workbench.feed.last });
  };

  const stream = async ({ req, res, url }: RequestContext) => {
    const header = req.headers['last-event-id'];
    const lastSeen = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : url.searchParams.has('after') ? intParam(url, 'after', 0, Number.MAX_SAFE_INTEGER) : undefined;
    workbench.feed.stream(res, lastSeen);
  };

  const routes: Array<[Route['method'], string, (context: RequestContext) => Promise<void>]> = [
    ['GET', '/api/workbench/status', status],
    ['POST', '/api/workbench/deploy', deploy],
    ['GET', '/api/workbench/processes', processes],
    ['GET', '/api/workbench/deployments/*', deploymentXml],
    ['POST', '/api/workbench/instances', startCase],
    ['GET', '/api/workbench/instances', listCases],
    ['GET', '/api/workbench/instances/*', oneCase],
    ['GET', '/api/workbench/tasks', inbox],
    ['POST', '/api/workbench/tasks/*', completeTask],
    ['POST', '/api/workbench/messages', correlate],
    ['POST', '/api/workbench/signals', signal],
    ['GET', '/api/workbench/heatmap', heat],
    ['GET', '/api/workbench/report', report],
    ['GET', '/api/workbench/feed', feed],
    ['GET', '/api/workbench/stream', stream],
  ];
  return routes.map(([method, path, handle]) => ({ method, path, handle: guarded(handle) }));
}
