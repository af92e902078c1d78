/**
 * Errors are values users can act on: one class per kind, each naming the
 * element, the attribute and what was expected. Every class has a stable
 * `code` (also a message id for translation) and plain-data `details`.
 */
import type { FieldProblem } from './forms/checkForm.js';

/** Where a problem is: element id and, when known, line and column in the XML. */
export interface SourceLocation {
  elementId?: string;
  elementName?: string;
  attribute?: string;
  line?: number;
  column?: number;
}

/** One finding while reading or compiling a diagram. */
export interface Problem extends SourceLocation {
  severity: 'error' | 'warning';
  /** Stable id, e.g. `xml.doctype`, `bpmn.unresolved-reference` (also the message id for translation). */
  code: string;
  message: string;
  /** The values the message is built from, so a translation can be rendered (`variant` picks one of a code's wordings). */
  params?: MessageParams;
}

/** A value a translated message is filled with: plain data — text, numbers, lists, or a nested message. */
export type MessageParam = string | number | boolean | null | readonly MessageParam[] | { code: string; params?: MessageParams; message?: string };

/** The values of a message by placeholder name (see @sopflow/i18n). */
export type MessageParams = Readonly<Record<string, MessageParam>>;

/** Base class of every error sopflow throws on purpose. */
export class SopflowError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

function formatProblems(problems: Problem[]): string {
  const shown = problems.slice(0, 10).map((p) => `  - ${formatProblem(p)}`);
  if (problems.length > 10) shown.push(`  - … and ${problems.length - 10} more`);
  return shown.join('\n');
}

/** `[line 3, column 5] <Task_1> message` — the shape used in every message. */
export function formatProblem(p: Problem): string {
  const where: string[] = [];
  if (p.line !== undefined) where.push(`line ${p.line}${p.column !== undefined ? `, column ${p.column}` : ''}`);
  const element = p.elementId ? `<${p.elementId}>${p.attribute ? ` ${p.attribute}` : ''}: ` : '';
  return `${where.length ? `[${where.join(', ')}] ` : ''}${element}${p.message}`;
}

/** The document is not well-formed XML, not BPMN, or breaks a safety limit. */
export class BpmnParseError extends SopflowError {
  readonly problems: Problem[];

  constructor(summary: string, problems: Problem[]) {
    super('bpmn.parse', problems.length ? `${summary}\n${formatProblems(problems)}` : summary, { problems });
    this.problems = problems;
  }
}

/** The diagram uses elements or attributes the engine cannot execute. */
export class UnsupportedElementError extends SopflowError {
  readonly elements: Problem[];

  constructor(elements: Problem[]) {
    super(
      'bpmn.unsupported',
      `The diagram uses ${elements.length} element(s) sopflow cannot execute:\n${formatProblems(elements)}`,
      { elements },
    );
    this.elements = elements;
  }
}

/** The diagram is readable but wrong (missing reference, bad expression, bad duration…). */
export class BpmnValidationError extends SopflowError {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super('bpmn.invalid', `The diagram cannot be deployed:\n${formatProblems(problems)}`, { problems });
    this.problems = problems;
  }
}

/**
 * A FEEL expression did not parse, could not be evaluated, or broke a FEEL
 * limit. `code` is `feel.error` unless a more precise one applies
 * (`feel.too-long`, `feel.too-deep`, `feel.too-many-steps`,
 * `feel.invalid-pattern`, `feel.forbidden-key`, … — see docs/expressions.md).
 */
export class ExpressionError extends SopflowError {
  constructor(
    message: string,
    details: { expression: string; elementId?: string; attribute?: string; position?: number; [key: string]: unknown },
    code = 'feel.error',
  ) {
    super(code, message, details);
  }
}

/** An ISO 8601 duration, date-time, interval or cron value is malformed. */
export class TimeFormatError extends SopflowError {
  constructor(message: string, details: { value: string; expected: string }) {
    super('time.format', message, details);
  }
}

/** Something was looked up by id and does not exist. */
export class NotFoundError extends SopflowError {
  constructor(kind: 'process' | 'instance' | 'task' | 'job' | 'calendar' | 'timer', id: string, hint?: string) {
    super(`${kind}.not-found`, `No ${kind} with id '${id}'${hint ? ` (${hint})` : ''}.`, { kind, id });
  }
}

/** The user may not do this to a task (not the assignee, not a candidate). */
export class TaskNotAssignableError extends SopflowError {
  constructor(message: string, details: { taskId: string; user: string | undefined }) {
    super('task.not-assignable', message, details);
  }
}

/** The command does not fit the current state (task already completed, instance ended…). */
export class InvalidStateError extends SopflowError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** No waiting subscription or start event matched a correlated message. */
export class MessageCorrelationError extends SopflowError {
  constructor(message: string, details: { messageName: string; correlationKey?: string; matches: number }) {
    super('message.correlation', message, details);
  }
}

/** Another step committed first on the same instance (optimistic lock). */
export class ConcurrencyConflictError extends SopflowError {
  /**
   * @param id the instance (or, with `kind`, the deployment key or timer) that moved
   * @param message replaces the default message (for conflicts that are not about an instance revision)
   */
  constructor(id: string, expected: number, actual: number | undefined, message?: string, kind: 'instance' | 'deployment' | 'timer' = 'instance') {
    super(
      'store.conflict',
      message ?? `Instance '${id}' changed concurrently: expected version ${expected}, found ${actual ?? 'none'}.`,
      { kind, id, instanceId: kind === 'instance' ? id : undefined, expected, actual },
    );
  }
}

/** Variables that cannot be stored: not JSON, cyclic, too large, or with forbidden keys. */
export class VariableError extends SopflowError {
  constructor(message: string, details: Record<string, unknown>) {
    super('variables.invalid', message, details);
  }
}

/**
 * Submitted data does not fill the task's (or start event's) form: every
 * field in error, each with its variable, code and message. Nothing was
 * done; the task stays open.
 */
export class FormValidationError extends SopflowError {
  readonly fields: FieldProblem[];

  constructor(subject: string, fields: FieldProblem[], details: Record<string, unknown> = {}) {
    super('form.invalid', `${subject}: the form is not filled in: ${fields.map((f) => f.message).join(' ')}`, { ...details, fields });
    this.fields = fields;
  }
}

/**
 * The engine's `authorize` hook refused a call (see `AuthorizeRequest`):
 * nothing was done. Names the action, the actor and what it was about.
 */
export class ForbiddenError extends SopflowError {
  readonly action: string;
  readonly actor: string;

  constructor(request: { action: string; actor: { id: string; groups?: string[] }; processId?: string; instanceId?: string; taskId?: string; message?: string; signal?: string }) {
    const about = [
      request.processId !== undefined ? `process '${request.processId}'` : '',
      request.instanceId !== undefined ? `instance '${request.instanceId}'` : '',
      request.taskId !== undefined ? `task '${request.taskId}'` : '',
      request.message !== undefined ? `message '${request.message}'` : '',
      request.signal !== undefined ? `signal '${request.signal}'` : '',
    ].filter(Boolean);
    super(
      'access.forbidden',
      `'${request.actor.id}' may not ${request.action}${about.length ? ` (${about.join(', ')})` : ''}: refused by the authorize hook.`,
      {
        action: request.action,
        actor: request.actor.id,
        ...(request.processId !== undefined ? { processId: request.processId } : {}),
        ...(request.instanceId !== undefined ? { instanceId: request.instanceId } : {}),
        ...(request.taskId !== undefined ? { taskId: request.taskId } : {}),
      },
    );
    this.action = request.action;
    this.actor = request.actor.id;
  }
}

/**
 * The store could not carry out a write or a read: its disk (or size limit)
 * is full, an I/O error, or the database connection was lost. The engine
 * keeps serving; retry once the store is back. `details.reason` says which;
 * `details.outcome` says whether the step was certainly not applied
 * (`'not-applied'`: disk full, I/O error, a read) or may have been (`'unknown'`:
 * the connection broke while a commit was on its way — read before retrying).
 */
export class StoreUnavailableError extends SopflowError {
  readonly reason: 'full' | 'io' | 'connection';
  readonly outcome: 'not-applied' | 'unknown';

  constructor(reason: 'full' | 'io' | 'connection', message: string, details: { operation: string; outcome: 'not-applied' | 'unknown'; cause?: string } & Record<string, unknown>) {
    super(`store.${reason === 'connection' ? 'connection-lost' : reason}`, message, { reason, ...details });
    this.reason = reason;
    this.outcome = details.outcome;
  }
}

/**
 * A worker reported on a job it no longer holds: since it was handed the
 * job, its lease ran out and another worker took it, the attempt was failed
 * and retried, or the job ended. Nothing was applied; the current holder's
 * report is the one that counts. Checked by the engine when the report
 * comes in and by the store inside the commit (fencing by lease owner and
 * attempt), so a report racing a re-lease is refused too.
 */
export class JobLeaseLostError extends InvalidStateError {
  constructor(
    lease: { jobId: string; workerId: string; attempt: number },
    found: { lockedBy: string | null; attempt: number } | undefined,
  ) {
    const why = !found
      ? 'it no longer exists (completed, cancelled, or its activity ended)'
      : found.lockedBy !== lease.workerId
        ? found.lockedBy
          ? `it is leased to '${found.lockedBy}', not '${lease.workerId}'`
          : `it is not leased to '${lease.workerId}' any more (nobody holds it: it was retried or released)`
        : `it is at attempt ${found.attempt}, not ${lease.attempt}`;
    super('job.lease', `Job '${lease.jobId}': ${why}. The report of '${lease.workerId}' for attempt ${lease.attempt} was not applied.`, {
      jobId: lease.jobId,
      workerId: lease.workerId,
      attempt: lease.attempt,
      ...(found ? { lockedBy: found.lockedBy, actualAttempt: found.attempt } : { gone: true }),
    });
  }
}
