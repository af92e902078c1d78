/**
 * Evaluation by feelin itself, for expressions outside the fast subset and
 * for contexts the fast path hands over. feelin re-parses the expression and
 * copies the whole context on every call, so the context is first narrowed
 * to the entries the expression can read.
 */
import { evaluate } from 'feelin';
import { ITERATE_GUARD_NAME, iterateGuard, VALUE_GUARD_NAME, valueGuard } from './budget.js';
import { FEELIN_OVERRIDES } from './builtins.js';
import { assertFeelData } from './contextData.js';
import { hasComplexKeyStartingAny } from './contextKeys.js';
import { hasEntry } from './feelValues.js';

/**
 * The part of `context` an expression can read: the entries named by one of
 * its `words` (every run of name characters in it, a superset of its
 * variables) and `?`. The whole context when it is not a plain object or has
 * a key with spaces or punctuation starting with one of the words (feelin's
 * parser then reads the key as one multi-part name). Pure.
 */
export function narrowContext(context: Readonly<Record<string, unknown>>, words: ReadonlySet<string>): Readonly<Record<string, unknown>> {
  if (Object.getPrototypeOf(context) !== Object.prototype || hasComplexKeyStartingAny(context, words)) return context;
  const entries: [string, unknown][] = [];
  for (const word of words) if (hasEntry(context, word)) entries.push([word, context[word]]);
  if (hasEntry(context, '?')) entries.push(['?', context['?']]);
  return Object.fromEntries(entries);
}

/**
 * Evaluate `source` with feelin on the narrowed context and return feelin's
 * raw result. The narrowed context must be data ({@link assertFeelData});
 * sopflow's `matches`, `replace` and `split` shadow feelin's (unless a
 * variable has that name), and the iteration guard of `guardIterations`
 * is added. Call it inside a step budget. Pure except for feelin's `now()`
 * and `today()`, which read the system clock.
 *
 * @param source the expression, as rewritten by `guardIterations`.
 * @param words the words of the expression as written (see {@link narrowContext}).
 * @throws whatever feelin throws (syntax errors, unsupported ranges), and
 *   `FeelFault`s (not data, step budget, invalid pattern).
 */
export function evaluateWithFeelin(source: string, words: ReadonlySet<string>, context: Readonly<Record<string, unknown>>): unknown {
  const narrowed = narrowContext(context, words);
  assertFeelData(narrowed);
  const complete: Record<string, unknown> = Object.getPrototypeOf(narrowed) === Object.prototype ? { ...narrowed } : Object.assign(Object.create(Object.getPrototypeOf(narrowed)), narrowed);
  for (const [name, fn] of FEELIN_OVERRIDES) if (words.has(name) && !hasEntry(narrowed, name)) complete[name] = fn;
  if (source.includes(ITERATE_GUARD_NAME)) complete[ITERATE_GUARD_NAME] = iterateGuard;
  if (source.includes(VALUE_GUARD_NAME)) complete[VALUE_GUARD_NAME] = valueGuard;
  return evaluate(source, complete).value;
}
