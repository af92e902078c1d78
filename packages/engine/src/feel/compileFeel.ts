/**
 * `compileFeel`: parse a FEEL expression once at deployment and return an
 * object that evaluates it on every step without parsing again.
 */
import { ExpressionError } from '../errors.js';
import { withStepBudget } from './budget.js';
import { checkSource, limitError } from './checkSource.js';
import { hasComplexKeyStartingAny, joinableWords, wordsOf } from './contextKeys.js';
import { evaluationError, syntaxError, type ExpressionLocation } from './expressionErrors.js';
import { evaluateWithFeelin } from './fallback.js';
import { compileFast, isBuiltinName, type FastExpression, type FeelContext, type Frame } from './fastCompiler.js';
import { FeelFault } from './faults.js';
import { stripFeelMarker } from './feelSource.js';
import { guardIterations } from './guardSource.js';
import { resolveFeelLimits, type FeelLimits } from './limits.js';
import { parseFeelWithin } from './syntaxTree.js';
import { convertToPlain } from './toPlain.js';
import { readVariables } from './variables.js';

/** A FEEL expression parsed once, ready to be evaluated on every step. */
export interface CompiledFeel {
  /** The expression as written, without a leading `=` and surrounding whitespace. */
  readonly source: string;
  /** Top-level variable names it reads, for narrowing the context (see {@link readVariables}). */
  readonly variables: readonly string[];
  /** `true` when evaluated by closures compiled from the parse tree; `false` when by feelin. */
  readonly fast: boolean;
  /**
   * Evaluate against `context` (plain data variables) and return a plain
   * value (see {@link toPlain}). Pure, except that the feelin functions
   * `now()` and `today()` read the system clock (unless the context binds
   * them).
   *
   * @throws ExpressionError when feelin cannot evaluate the expression, or it
   * returns a function or a range (`feel.error`); when the evaluation breaks a
   * limit (`feel.too-many-steps`, `feel.unbounded-range`,
   * `feel.result-too-large`); for an invalid regular expression
   * (`feel.invalid-pattern`); when a variable it reads is not data
   * (`feel.not-data`, `feel.forbidden-key`), or the result holds a key
   * `__proto__`, `constructor` or `prototype` (`feel.forbidden-key`).
   */
  evaluate(context: Readonly<Record<string, unknown>>): unknown;
}

/**
 * Parse `source` (a leading `=` is dropped) once. Expressions in the fast
 * subset are compiled to closures that give exactly feelin's results for
 * plain JSON contexts; others are evaluated by feelin on a context narrowed
 * to the variables they read. Every evaluation runs within `limits`
 * (see {@link FeelLimits}). Pure.
 *
 * @param where element id and attribute named in error messages.
 * @param limits bounds on the source and on each evaluation; defaults in
 *   `DEFAULT_FEEL_LIMITS`.
 * @throws ExpressionError on a syntax error (`feel.error`), naming the
 *   expression, the position, and `where`; on a source breaking a limit
 *   (`feel.too-long`, `feel.too-many-items`, `feel.too-deep`,
 *   `feel.reserved-name`).
 * @throws SopflowError `feel.invalid-options` for a bad limit.
 */
export function compileFeel(source: string, where?: ExpressionLocation, limits?: FeelLimits): CompiledFeel {
  const bounds = resolveFeelLimits(limits);
  const expression = stripFeelMarker(source);
  checkSource(expression, bounds, where);
  const parsed = parseFeelWithin(expression, bounds.maxDepth);
  if ('tooDeep' in parsed) {
    throw limitError(
      'feel.too-deep',
      expression,
      `it is nested more than ${bounds.maxDepth} levels deep (at offset ${parsed.tooDeep.position}); raise the FEEL limit maxDepth if this is intended.`,
      where,
      { limit: bounds.maxDepth, position: parsed.tooDeep.position },
    );
  }
  if ('problem' in parsed) throw syntaxError(expression, parsed.problem, where);

  const words = wordsOf(expression);
  const guarded = guardIterations(expression, parsed.tree, isBuiltinName);
  const toPlain = (value: unknown): unknown =>
    convertToPlain(
      value,
      (kind) => {
        throw evaluationError(expression, `expression returned a ${kind}; expected a value`, where);
      },
      bounds.maxResultSize,
    );
  const fault = (error: unknown): ExpressionError => {
    if (error instanceof FeelFault) return evaluationError(expression, error.message, where, error.code, error.details);
    if (error instanceof ExpressionError) return error;
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      // recursion in a function the expression defines, or data nested beyond the stack
      return evaluationError(expression, 'it recursed deeper than the stack allows (a function calling itself without end?)', where, 'feel.too-deep');
    }
    return evaluationError(expression, error instanceof Error ? error.message : String(error), where);
  };
  const slow = (context: FeelContext): unknown => {
    try {
      return toPlain(evaluateWithFeelin(guarded, words, context));
    } catch (error) {
      throw fault(error);
    }
  };

  let fast: FastExpression | null;
  try {
    fast = compileFast(parsed.tree, expression);
  } catch (error) {
    // a stack overflow on a tree deeper than the stack allows (maxDepth switched off)
    if (error instanceof RangeError) throw limitError('feel.too-deep', expression, 'it is nested too deeply to compile.', where);
    throw error;
  }
  const run = fast ? withFallback(fast, joinableWords(expression), slow, toPlain, fault) : (context: FeelContext) => slow(context ?? {});
  const maxSteps = bounds.maxSteps;
  return Object.freeze({
    source: expression,
    variables: Object.freeze(readVariables(parsed.tree)),
    fast: fast !== null,
    evaluate: (context: FeelContext) => withStepBudget(maxSteps, () => run(context)),
  });
}

/**
 * Whether the compiled closures may run on `context`: a plain object with no
 * key that feelin would join with one of the expression's `joinable` words
 * into a multi-part name (`order-id` when the expression says `order-id`).
 * Pure.
 */
export function isFastContext(context: FeelContext, joinable: ReadonlySet<string>): boolean {
  if (Object.getPrototypeOf(context) !== Object.prototype) return false;
  return joinable.size === 0 || !hasComplexKeyStartingAny(context, joinable);
}

/**
 * Run the compiled closures, and feelin instead when the context is not a
 * plain object, has a key feelin would read as a multi-part name, or the
 * closures meet a value they do not handle. A fault of the closures that
 * feelin would meet as well (the step budget, an invalid pattern) is
 * reported, not handed over.
 */
function withFallback(
  compiled: FastExpression,
  joinable: ReadonlySet<string>,
  fallback: (context: FeelContext) => unknown,
  toPlain: (value: unknown) => unknown,
  fault: (error: unknown) => ExpressionError,
): (context: FeelContext) => unknown {
  const { evaluate, slots } = compiled;
  const noBindings: Frame = [];
  return (context) => {
    const variables = context ?? {};
    if (!isFastContext(variables, joinable)) return fallback(variables);
    let value: unknown;
    try {
      value = evaluate(variables, slots === 0 ? noBindings : new Array<unknown>(slots));
    } catch (error) {
      if (error instanceof FeelFault) throw fault(error);
      // DELEGATE, or (defensively) any other fault of the closures: feelin decides
      return fallback(variables);
    }
    try {
      return toPlain(value);
    } catch (error) {
      throw fault(error);
    }
  };
}
