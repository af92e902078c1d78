/**
 * Authorization: the hook an embedder gives `createEngine({ authorize })`
 * to decide who may do what. The engine asks it before every command and
 * every read made through its API, with the action, the actor (groups
 * resolved through `identity`) and what the action is about; anything but
 * `true` refuses the call with {@link ForbiddenError} before the store is
 * touched. Work the engine does on its own (timers, handlers, follow-up
 * steps) is not asked about. Pure types and one helper; no I/O.
 */
import { ForbiddenError } from '../errors.js';
import type { Actor } from '../machine/events.js';
import type { Variables } from '../machine/state.js';

/** What can be authorized; `<subject>.<verb>`. */
export type AuthorizeAction =
  | 'process.deploy'
  | 'instance.start'
  | 'instance.read'
  | 'instance.list'
  | 'instance.cancel'
  | 'instance.setVariables'
  | 'incident.resolve'
  | 'task.read'
  | 'task.list'
  | 'task.claim'
  | 'task.assign'
  | 'task.complete'
  | 'message.correlate'
  | 'signal.broadcast'
  | 'audit.read'
  | 'report.read';

/** Every action, for policies that enumerate them (and tests that walk them). */
export const AUTHORIZE_ACTIONS: readonly AuthorizeAction[] = [
  'process.deploy',
  'instance.start',
  'instance.read',
  'instance.list',
  'instance.cancel',
  'instance.setVariables',
  'incident.resolve',
  'task.read',
  'task.list',
  'task.claim',
  'task.assign',
  'task.complete',
  'message.correlate',
  'signal.broadcast',
  'audit.read',
  'report.read',
];

/**
 * One question to the hook. Fields that do not apply to the action are
 * absent; a list or audit query over everything has no `processId`.
 */
export interface AuthorizeRequest {
  action: AuthorizeAction;
  /** Who asks: `by` of the call (`'system'` when left out), with groups from `identity`. */
  actor: Actor;
  processId?: string;
  instanceId?: string;
  businessKey?: string;
  taskId?: string;
  /** The task's node (task actions). */
  node?: string;
  /** Message name (`message.correlate`) and correlation key. */
  message?: string;
  correlationKey?: string | null;
  /** Signal name (`signal.broadcast`). */
  signal?: string;
  /** Variables the call would set (start, complete, correlate, signal, setVariables, resolveIncident). */
  variables?: Variables;
}

/**
 * Decides one request: `true` allows it; `false` (or anything else) refuses
 * it. May be async (a permission look-up). An error it throws propagates
 * to the caller unchanged, and nothing is done.
 */
export type Authorize = (request: AuthorizeRequest) => boolean | Promise<boolean>;

/**
 * Asks the hook; fails closed (only `true` allows).
 * @throws ForbiddenError naming the action, the actor and the subject
 */
export async function checkAuthorized(authorize: Authorize | undefined, request: AuthorizeRequest): Promise<void> {
  if (!authorize) return;
  if ((await authorize(request)) === true) return;
  throw new ForbiddenError(request);
}
