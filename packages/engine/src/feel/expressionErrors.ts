/**
 * The {@link ExpressionError}s of FEEL compilation and evaluation, each
 * naming the expression, and the element and attribute when known.
 */
import { ExpressionError } from '../errors.js';
import type { SyntaxProblem } from './syntaxTree.js';

/** Where an expression comes from, for error messages. */
export interface ExpressionLocation {
  readonly elementId?: string;
  readonly attribute?: string;
}

function place(where: ExpressionLocation | undefined): string {
  const parts: string[] = [];
  if (where?.elementId) parts.push(`<${where.elementId}>`);
  if (where?.attribute) parts.push(where.attribute);
  return parts.length ? ` in ${parts.join(' ')}` : '';
}

function details(source: string, where: ExpressionLocation | undefined, position?: number) {
  return {
    expression: source,
    ...(where?.elementId !== undefined && { elementId: where.elementId }),
    ...(where?.attribute !== undefined && { attribute: where.attribute }),
    ...(position !== undefined && { position }),
  };
}

/** The expression as quoted in a message: at most 200 characters, so a huge one cannot flood logs. */
function quoted(source: string): string {
  return source.length > 200 ? `'${source.slice(0, 200)}…' (${source.length} characters)` : `'${source}'`;
}

/** Human position: column (1-based) on one line, `line L, column C` across lines. */
function describePosition(source: string, offset: number): string {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return source.includes('\n') ? `line ${line}, column ${column}` : String(column);
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

/**
 * `Invalid FEEL in <Gateway_1> conditionExpression at 4: 'a +* b' — unexpected '*'`.
 * `details.position` is the 0-based offset in the expression.
 */
export function syntaxError(source: string, problem: SyntaxProblem, where?: ExpressionLocation): ExpressionError {
  const reason = problem.unexpected ? `unexpected '${shorten(problem.unexpected)}'` : 'unexpected end of expression';
  return new ExpressionError(
    `Invalid FEEL${place(where)} at ${describePosition(source, problem.position)}: ${quoted(source)} — ${reason}`,
    details(source, where, problem.position),
  );
}

/**
 * `Cannot evaluate FEEL in <Task_1> sop:sla: 'x < true' — unsupported range: null..true`.
 * `code` is `feel.error` unless a more precise one applies; `extra` joins the details.
 */
export function evaluationError(
  source: string,
  reason: string,
  where?: ExpressionLocation,
  code?: string,
  extra: Record<string, unknown> = {},
): ExpressionError {
  return new ExpressionError(`Cannot evaluate FEEL${place(where)}: ${quoted(source)} — ${reason}`, { ...extra, ...details(source, where) }, code);
}
