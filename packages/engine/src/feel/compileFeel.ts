/**
 * `compileFeel`: parse a FEEL expression once at deployment and return an
 * object that evaluates it on every step without parsing again.
 */
import { hasComplexKeyStartingAny, joinableWords, wordsOf } from './contextKeys.js';
import { evaluationError, syntaxError, type ExpressionLocation } from './expressionErrors.js';
import { evaluateWithFeelin } from './fallback.js';
import { compileFast, type FastExpression, type FeelContext, type Frame } from './fastCompiler.js';
import { stripFeelMarker } from './feelSource.js';
import { parseFeel } from './syntaxTree.js';
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
   * Evaluate against `context` (plain JSON variables) and return a plain
   * value (see {@link toPlain}). Pure, except that the feelin functions
   * `now()` and `today()` read the system clock.
   *
   * @throws ExpressionError when feelin cannot evaluate the expression, or it
   * returns a function or a range.
   */
  evaluate(context: Readonly<Record<string, unknown>>): unknown;
}

/**
 * Parse `source` (a leading `=` is dropped) once. Expressions in the fast
 * subset are compiled to closures that give exactly feelin's results for
 * plain JSON contexts; others are evaluated by feelin on a context narrowed
 * to the variables they read. Pure.
 *
 * @param where element id and attribute named in error messages.
 * @throws ExpressionError on a syntax error, naming the expression, the
 * position, and `where`.
 */
export function compileFeel(source: string, where?: ExpressionLocation): CompiledFeel {
  const expression = stripFeelMarker(source);
  const parsed = parseFeel(expression);
  if ('problem' in parsed) throw syntaxError(expression, parsed.problem, where);

  const words = wordsOf(expression);
  const toPlain = (value: unknown): unknown =>
    convertToPlain(value, (kind) => {
      throw evaluationError(expression, `expression returned a ${kind}; expected a value`, where);
    });
  const slow = (context: FeelContext): unknown => {
    let value: unknown;
    try {
      value = evaluateWithFeelin(expression, words, context);
    } catch (error) {
      throw evaluationError(expression, error instanceof Error ? error.message : String(error), where);
    }
    return toPlain(value);
  };

  const fast = compileFast(parsed.tree, expression);
  return Object.freeze({
    source: expression,
    variables: Object.freeze(readVariables(parsed.tree)),
    fast: fast !== null,
    evaluate: fast ? withFallback(fast, joinableWords(expression), slow, toPlain) : (context: FeelContext) => slow(context ?? {}),
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
 * closures meet a value they do not handle.
 */
function withFallback(
  compiled: FastExpression,
  joinable: ReadonlySet<string>,
  fallback: (context: FeelContext) => unknown,
  toPlain: (value: unknown) => unknown,
): (context: FeelContext) => unknown {
  const { evaluate, slots } = compiled;
  const noBindings: Frame = [];
  return (context) => {
    const variables = context ?? {};
    if (!isFastContext(variables, joinable)) return fallback(variables);
    let value: unknown;
    try {
      value = evaluate(variables, slots === 0 ? noBindings : new Array<unknown>(slots));
    } catch {
      // DELEGATE, or (defensively) any fault of the closures: feelin decides
      return fallback(variables);
    }
    return toPlain(value);
  };
}
